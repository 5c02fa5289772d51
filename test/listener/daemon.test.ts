// The daemon in-process with real megalodon against local fake Mastodon servers over real sockets.
import {afterEach, describe, expect, test} from "vitest";
import {harness, sleep, status, waitFor, type Harness} from "./helpers.ts";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const stats = (name: string) => h!.daemon.servers.find((s) => s.name === name)!;

describe("listener daemon", () => {
  test("follows several servers at once", async () => {
    h = await harness([{requireToken: true}, {requireToken: true}, {requireToken: true}]);
    await Promise.all(h.fakes.map((f) => f.waitForClients(1)));
    const posted = h.fakes.flatMap((f) => [f.post(status()), f.post(status())]);
    await waitFor(() => h!.sink.toots.length === 6, "6 toots");
    expect(new Set(h.sink.toots.map((t) => t.uri))).toEqual(new Set(posted.map((s) => s.uri)));
    for (const f of h.fakes) {
      expect(h.sink.toots.filter((t) => t.source_server === f.host)).toHaveLength(2);
      expect(stats(f.host)).toMatchObject({state: "connected", mode: "streaming", toots: 2, errors: 0});
    }
  });

  test("the same toot relayed by two servers lands once", async () => {
    h = await harness([{requireToken: true}, {requireToken: true}]);
    await Promise.all(h.fakes.map((f) => f.waitForClients(1)));
    const relayed = status();
    const [a, b] = h.fakes as [typeof h.fakes[0], typeof h.fakes[0]];
    const onA = a.post(relayed);
    const onB = b.post(relayed);
    expect(onA.id).not.toBe(onB.id); // each server gives its own local id to the same uri
    const after = b.post(status());
    await waitFor(() => h!.sink.toots.some((t) => t.uri === after.uri), "a later toot");
    await sleep(100);
    expect(h.sink.toots.filter((t) => t.uri === relayed.uri)).toHaveLength(1);
    expect(stats(a.host).duplicates + stats(b.host).duplicates).toBe(1);
  });

  test("a dropped connection: every toot posted meanwhile arrives by backfill, none twice", async () => {
    h = await harness([{requireToken: true}]);
    const fake = h.fakes[0]!;
    await fake.waitForClients(1);
    const before = [fake.post(status()), fake.post(status())];
    await waitFor(() => h!.sink.toots.length === 2, "toots before the drop");
    // A 1.5 s outage (streaming and REST refused) with 100 toots: more than two REST pages.
    fake.dropConnections({refuseMs: 1500});
    const during = Array.from({length: 100}, () => fake.post(status()));
    await waitFor(() => h!.sink.toots.length === 102, "102 toots", 15_000);
    await fake.waitForClients(1);
    const after = fake.post(status());
    await waitFor(() => h!.sink.toots.length === 103, "the toot after reconnecting");
    await sleep(200);
    const uris = h.sink.toots.map((t) => t.uri);
    expect(new Set(uris).size).toBe(uris.length);
    expect(new Set(uris)).toEqual(new Set([...before, ...during, after].map((s) => s.uri)));
    expect(stats(fake.host)).toMatchObject({backfilled: 100, toots: 103});
    expect(stats(fake.host).reconnects).toBeGreaterThanOrEqual(1);
    // Paged forward with min_id from the last id seen, never since_id (which leaves holes).
    const pages = fake.requests.filter((r) => r.path === "/api/v1/timelines/public" && r.status === 200);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages[0]!.query.min_id).toBe(before[1]!.id);
    expect(pages.every((r) => r.query.since_id === undefined)).toBe(true);
  });

  test("a silent stream is reconnected by the watchdog and the stall is backfilled", async () => {
    h = await harness([{requireToken: true}], {watchdogMs: 600});
    const fake = h.fakes[0]!;
    await fake.waitForClients(1);
    fake.post(status());
    await waitFor(() => h!.sink.toots.length === 1, "first toot");
    fake.pauseStreaming(1500); // the socket stays up but carries nothing
    const stalled = Array.from({length: 5}, () => fake.post(status()));
    await waitFor(() => stalled.every((s) => h!.sink.toots.some((t) => t.uri === s.uri)), "stalled toots", 10_000);
    expect(stats(fake.host).backfilled).toBe(5);
    expect(h.log.lines.some((l) => l.includes("stream silent for"))).toBe(true);
  });

  test("a handshake that hangs is abandoned after the connect timeout, without crashing megalodon", async () => {
    h = await harness([{requireToken: true}], {connectTimeoutMs: 300});
    const fake = h.fakes[0]!;
    await fake.waitForClients(1);
    fake.post(status());
    await waitFor(() => h!.sink.toots.length === 1, "first toot");
    fake.stallHandshakes(1000);
    fake.dropConnections();
    const meanwhile = [fake.post(status()), fake.post(status())];
    await waitFor(() => h!.sink.toots.length === 3, "toots posted while connecting hung", 10_000);
    expect(new Set(h.sink.toots.map((t) => t.uri))).toContain(meanwhile[1]!.uri);
    expect(h.log.lines.some((l) => l.includes("no streaming connection after"))).toBe(true);
  });

  test("edits and deletes reach the sink as their own events", async () => {
    h = await harness([{requireToken: true}]);
    const fake = h.fakes[0]!;
    await fake.waitForClients(1);
    const original = fake.post(status({content: "<p>first version</p>"}));
    await waitFor(() => h!.sink.toots.length === 1, "the toot");
    fake.edit({id: original.id, content: "<p>second version</p>", edited_at: "2026-11-20T12:05:00.000Z"});
    await waitFor(() => h!.sink.edits.length === 1, "the edit");
    expect(h.sink.edits[0]).toMatchObject({uri: original.uri, id: original.id, text: "second version", edited_at: Date.parse("2026-11-20T12:05:00.000Z")});
    fake.delete(original.id);
    fake.delete("123456789"); // a status the listener never saw: uri unknown
    await waitFor(() => h!.sink.deletions.length === 2, "the deletions");
    expect(h.sink.deletions[0]).toMatchObject({source_server: fake.host, id: original.id, uri: original.uri});
    expect(h.sink.deletions[0]!.deleted_at).toBeGreaterThan(0);
    expect(h.sink.deletions[1]).toMatchObject({id: "123456789", uri: null});
    expect(stats(fake.host)).toMatchObject({edits: 1, deletes: 2});
  });

  test("opt-out accounts keep their counts without text; --no-text drops all text", async () => {
    h = await harness([{requireToken: true}]);
    const fake = h.fakes[0]!;
    await fake.waitForClients(1);
    const open = fake.post(status({content: "<p>hello world</p>"}));
    const noindex = fake.post(status({content: "<p>three words here</p>"}, {noindex: true}));
    const nobot = fake.post(status({content: "<p>two words</p>"}, {note: "<p>no bots please #NoBot</p>"}));
    await waitFor(() => h!.sink.toots.length === 3, "3 toots");
    const byUri = new Map(h.sink.toots.map((t) => [t.uri, t]));
    expect(byUri.get(String(open.uri))).toMatchObject({text: "hello world", words: 2, characters: 11});
    expect(byUri.get(String(noindex.uri))).toMatchObject({text: null, words: 3, characters: 16});
    expect(byUri.get(String(nobot.uri))).toMatchObject({text: null, words: 2});
    await h.close();

    h = await harness([{requireToken: true}], {keepText: false});
    await h.fakes[0]!.waitForClients(1);
    h.fakes[0]!.post(status({content: "<p>hello world</p>"}));
    await waitFor(() => h!.sink.toots.length === 1, "the toot");
    expect(h.sink.toots[0]).toMatchObject({text: null, words: 2, characters: 11});
  });

  test("malformed input is counted, logged once per server and reason, and skipped", async () => {
    h = await harness([{requireToken: true}]);
    const fake = h.fakes[0]!;
    await fake.waitForClients(1);
    const frame = (event: string, payload: string) => fake.sendRaw({stream: ["public"], event, payload});
    const good: Record<string, unknown>[] = [];
    const bad = () => {
      fake.sendRaw("this is not JSON");
      frame("update", "{truncated");
      frame("update", "null"); // throws inside megalodon's converter
      frame("update", JSON.stringify({...status(), quote: "not an object"})); // ditto
      frame("filters_changed", "{}");
      frame("update", JSON.stringify(status({created_at: "yesterday"})));
      frame("update", JSON.stringify(status({id: "not-a-number"})));
      frame("update", JSON.stringify({...status(), account: undefined}));
      frame("update", JSON.stringify(status({content: `<p>${"x".repeat(1024 * 1024)}</p>`})));
      frame("delete", "abc");
      good.push(fake.post(status()));
    };
    bad();
    bad();
    bad();
    await waitFor(() => h!.sink.toots.length === 3, "the valid toots between bad frames");
    expect(h.sink.toots.map((t) => t.uri)).toEqual(good.map((s) => s.uri));
    const s = stats(fake.host);
    expect(s.invalid).toBe(30);
    expect(s.state).toBe("connected");
    expect(s.reconnects).toBe(0);
    const warnings = h.log.lines.filter((l) => l.startsWith("warn:"));
    for (const reason of ["unreadable frame", "unknown event", "invalid created_at", "invalid id", "invalid account", "content too large", "invalid delete id"]) {
      expect(warnings.filter((l) => l.includes(`${fake.host}: ${reason}`)), reason).toHaveLength(1);
    }
    expect(warnings.every((l) => l.length < 400)).toBe(true); // a 1 MB frame is never quoted in full
  });

  test("without a token: says so once and polls the timeline", async () => {
    h = await harness([{requireToken: true, token: null}]);
    const fake = h.fakes[0]!;
    const posted = Array.from({length: 45}, () => fake.post(status()));
    await waitFor(() => h!.sink.toots.length === 45, "the newest page, then the rest");
    const more = [fake.post(status()), fake.post(status())];
    await waitFor(() => h!.sink.toots.length === 47, "polled toots");
    await sleep(500);
    expect(h.sink.toots.length).toBe(47);
    expect(new Set(h.sink.toots.map((t) => t.uri))).toEqual(new Set([...posted, ...more].map((s) => s.uri)));
    expect(stats(fake.host)).toMatchObject({mode: "polling", state: "polling"});
    expect(fake.clients).toBe(0);
    expect(h.log.lines.filter((l) => l.includes("no access token"))).toHaveLength(1);
  });

  test("a refused token falls back to polling, and says why", async () => {
    h = await harness([{requireToken: true, tokens: ["the-right-one"], token: "a-wrong-token"}]);
    const fake = h.fakes[0]!;
    await waitFor(() => stats(fake.host).state === "polling", "polling");
    fake.post(status());
    await waitFor(() => h!.sink.toots.length === 1, "a polled toot");
    expect(h.log.lines.some((l) => l.includes("streaming refused the token (HTTP 401)"))).toBe(true);
    expect(h.log.lines.some((l) => l.includes("the timeline refused the token (HTTP 401): polling without it"))).toBe(true);
  });

  test("local and hashtag timelines", async () => {
    h = await harness([{requireToken: true, domain: "local.example"}], {timeline: {kind: "local"}});
    const fake = h.fakes[0]!;
    await fake.waitForClients(1);
    fake.post(status({}, {}, "elsewhere.example"));
    const local = fake.post(status({}, {}, "local.example"));
    await waitFor(() => h!.sink.toots.length === 1, "the local toot");
    await sleep(100);
    expect(h.sink.toots.map((t) => t.uri)).toEqual([local.uri]);
    await h.close();

    h = await harness([{requireToken: true}], {timeline: {kind: "hashtag", tag: "Rust"}});
    await h.fakes[0]!.waitForClients(1);
    h.fakes[0]!.post(status({tags: [{name: "python", url: "x"}]}));
    const rust = h.fakes[0]!.post(status({tags: [{name: "rust", url: "x"}]}));
    await waitFor(() => h!.sink.toots.length === 1, "the tagged toot");
    expect(h.sink.toots[0]!.uri).toBe(rust.uri);
  });

  test("stop() flushes the sink and leaves no reconnection behind", async () => {
    h = await harness([{requireToken: true}]);
    const fake = h.fakes[0]!;
    await fake.waitForClients(1);
    await h.daemon.stop();
    expect(h.sink.flushes).toBeGreaterThanOrEqual(1);
    expect(stats(fake.host).state).toBe("stopped");
    await waitFor(() => fake.clients === 0, "the socket to close", 3000);
    await sleep(500);
    expect(fake.clients).toBe(0);
  });
});
