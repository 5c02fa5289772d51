// The fake Mastodon server: REST answers like Mastodon's, and the real megalodon client streams from it unmodified.
import generator from "megalodon";
import WebSocket from "ws";
import {afterEach, describe, expect, test} from "vitest";
import {driveDemo} from "../../listener/fake/driver.ts";
import {startFakeMastodon, type FakeMastodon} from "../../listener/fake/server.ts";
import {status, waitFor} from "./helpers.ts";

const fakes: FakeMastodon[] = [];
async function fake(options: Parameters<typeof startFakeMastodon>[0] = {}): Promise<FakeMastodon> {
  const f = await startFakeMastodon(options);
  fakes.push(f);
  return f;
}
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

const ids = (list: {id: string}[]) => list.map((s) => s.id);
async function page(f: FakeMastodon, query: string, token?: string): Promise<{status: number; body: {id: string}[]; link: string | null}> {
  const response = await fetch(`${f.url}/api/v1/timelines/public?${query}`, token ? {headers: {Authorization: `Bearer ${token}`}} : {});
  return {status: response.status, body: (await response.json()) as {id: string}[], link: response.headers.get("link")};
}

describe("fake Mastodon REST", () => {
  test("timeline pages: newest first; max_id, since_id, min_id and limit as Mastodon answers them", async () => {
    const f = await fake();
    const posted = Array.from({length: 10}, () => f.post(status()).id); // oldest first
    const desc = posted.slice().reverse();
    expect(ids((await page(f, "")).body)).toEqual(desc);
    expect(ids((await page(f, "limit=3")).body)).toEqual(desc.slice(0, 3));
    expect(ids((await page(f, `max_id=${posted[5]}&limit=2`)).body)).toEqual([posted[4], posted[3]]);
    // since_id: the newest page above the id (a hole below it if more than a page was missed)
    expect(ids((await page(f, `since_id=${posted[2]}&limit=3`)).body)).toEqual([posted[9], posted[8], posted[7]]);
    // min_id: the page immediately above the id, still newest first
    expect(ids((await page(f, `min_id=${posted[2]}&limit=3`)).body)).toEqual([posted[5], posted[4], posted[3]]);
    expect(ids((await page(f, "limit=100")).body)).toHaveLength(10); // capped at 40, not an error
    const {link} = await page(f, `min_id=${posted[2]}&limit=3`);
    expect(link).toContain(`max_id=${posted[3]}>; rel="next"`);
    expect(link).toContain(`min_id=${posted[5]}>; rel="prev"`);
    expect(link).toContain("limit=3");
  });

  test("local and hashtag timelines, deletions, edits", async () => {
    const f = await fake({domain: "here.example"});
    const remote = f.post(status({tags: [{name: "Rust", url: "x"}]}, {}, "there.example"));
    const local = f.post(status({tags: []}, {}, "here.example"));
    expect(ids((await page(f, "local=true")).body)).toEqual([local.id]);
    expect(ids((await page(f, "remote=true")).body)).toEqual([remote.id]);
    const tagged = await (await fetch(`${f.url}/api/v1/timelines/tag/rust`)).json();
    expect(ids(tagged as {id: string}[])).toEqual([remote.id]);
    f.edit({id: local.id, content: "<p>changed</p>"});
    const edited = (await (await fetch(`${f.url}/api/v1/statuses/${local.id}`)).json()) as Record<string, unknown>;
    expect(edited).toMatchObject({content: "<p>changed</p>", uri: local.uri});
    expect(typeof edited.edited_at).toBe("string");
    expect(f.delete(local.id)).toBe(true);
    expect(ids((await page(f, "")).body)).toEqual([remote.id]);
  });

  test("instance v1 and v2 advertise the streaming URL; tokens are required where configured", async () => {
    const f = await fake({requireToken: true, requireTokenForTimelines: true, tokens: ["good"], separateStreamingPort: true});
    const v1 = (await (await fetch(`${f.url}/api/v1/instance`)).json()) as {urls: {streaming_api: string}; version: string};
    const v2 = (await (await fetch(`${f.url}/api/v2/instance`)).json()) as {configuration: {urls: {streaming: string}}};
    expect(v1.urls.streaming_api).toBe(f.streamingUrl);
    expect(v2.configuration.urls.streaming).toBe(f.streamingUrl);
    expect(f.streamingUrl).not.toBe(f.url.replace("http", "ws"));
    expect((await page(f, "")).status).toBe(401);
    expect((await page(f, "", "bad")).status).toBe(401);
    expect((await page(f, "", "good")).status).toBe(200);
    const refused = await new Promise<string>((resolve) => {
      const ws = new WebSocket(`${f.streamingUrl}/api/v1/streaming?stream=public`);
      ws.on("error", (e) => resolve(e.message));
      ws.on("open", () => resolve("open"));
    });
    expect(refused).toBe("Unexpected server response: 401");
  });

  test("the real megalodon client streams updates, edits, deletes, heartbeats and reports unknown frames", async () => {
    const f = await fake({requireToken: true, separateStreamingPort: true, heartbeatIntervalMs: 100});
    const client = generator("mastodon", f.url, "any-token");
    const stream = await client.publicStreaming();
    const seen: [string, unknown][] = [];
    for (const event of ["connect", "update", "status_update", "delete", "heartbeat", "parser-error", "error"]) {
      stream.on(event, (value: unknown) => seen.push([event, value]));
    }
    try {
      await waitFor(() => seen.some(([e]) => e === "connect"), "connect");
      // megalodon looked up the instance first, then connected to streaming_api (another port)
      expect(f.requests.map((r) => r.path)).toContain("/api/v1/instance");
      const posted = f.post(status({id: "1"}));
      f.edit({id: posted.id, content: "<p>v2</p>"});
      f.delete(posted.id);
      f.sendRaw({stream: ["public"], event: "announcement", payload: "{}"});
      await waitFor(() => seen.some(([e]) => e === "parser-error") && seen.some(([e]) => e === "heartbeat") && seen.some(([e]) => e === "delete"), "all events");
      const update = seen.find(([e]) => e === "update")![1] as {id: string; uri: string; created_at: string};
      expect(update.id).toBe(posted.id); // the fake's own local id, as a string above 2^53
      expect(BigInt(update.id) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
      expect(update.created_at).toBe("2026-11-20T12:00:00.000Z");
      expect((seen.find(([e]) => e === "status_update")![1] as {content: string}).content).toBe("<p>v2</p>");
      expect(seen.find(([e]) => e === "delete")![1]).toBe(posted.id);
      expect(seen.some(([e]) => e === "error")).toBe(false);
    } finally {
      stream.stop();
    }
  });

  test("hashtag streams carry only tagged statuses, in Mastodon's frame shape", async () => {
    const f = await fake();
    const frames: {stream: string[]; event: string; payload: string}[] = [];
    const ws = new WebSocket(`${f.url.replace("http", "ws")}/api/v1/streaming?stream=hashtag&tag=Rust&access_token=t`);
    ws.on("message", (data) => frames.push(JSON.parse(String(data))));
    await new Promise((r) => ws.on("open", r));
    f.post(status({tags: []}));
    const tagged = f.post(status({tags: [{name: "rust", url: "x"}]}));
    await waitFor(() => frames.length === 1, "one frame");
    ws.close();
    expect(frames[0]).toMatchObject({stream: ["hashtag", "rust"], event: "update"});
    expect(JSON.parse(frames[0]!.payload).id).toBe(tagged.id);
  });

  test("drop, pause, and the HTTP control endpoint", async () => {
    const f = await fake();
    const url = `${f.url.replace("http", "ws")}/api/v1/streaming?stream=public&access_token=t`;
    const ws = new WebSocket(url);
    const closed = new Promise<number>((r) => ws.on("close", (code) => r(code)));
    await f.waitForClients(1);
    expect((await (await fetch(`${f.url}/_fake/drop?refuse_ms=300`, {method: "POST"})).json())).toEqual({dropped: 1});
    expect(await closed).toBe(1006);
    expect((await fetch(`${f.url}/api/v1/instance`)).status).toBe(503);
    await new Promise((r) => setTimeout(r, 350));
    expect((await fetch(`${f.url}/api/v1/instance`)).status).toBe(200);

    const frames: string[] = [];
    const ws2 = new WebSocket(url);
    ws2.on("message", (d) => frames.push(String(d)));
    await new Promise((r) => ws2.on("open", r));
    f.pauseStreaming(200);
    const during = (await (await fetch(`${f.url}/_fake/post`, {method: "POST", body: JSON.stringify(status())})).json()) as {id: string}[];
    await new Promise((r) => setTimeout(r, 250));
    const after = f.post(status());
    await waitFor(() => frames.length === 1, "a frame after the pause");
    expect(JSON.parse(JSON.parse(frames[0]!).payload).id).toBe(after.id);
    expect(ids((await page(f, "")).body)).toEqual([after.id, during[0]!.id]); // stored while paused
    ws2.close();
  });

  test("the demo driver feeds several servers at a rate, relaying some toots through two", async () => {
    const servers = [await fake({domain: "mastodon.social"}), await fake({domain: "fosstodon.org"})];
    const driver = driveDemo(servers, {rate: 2000, duplicates: 0.5, limit: 300});
    await waitFor(() => driver.posted === 300, "300 posts");
    driver.stop();
    const all = await Promise.all(servers.map(async (s) => (await page(s, "limit=40")).body as unknown as {uri: string; created_at: string}[]));
    expect(all[0]!.length + all[1]!.length).toBe(80);
    expect(servers[0]!.statuses + servers[1]!.statuses).toBe(300);
    const newest = Date.parse(all[0]![0]!.created_at);
    expect(Math.abs(Date.now() - newest)).toBeLessThan(60_000); // times moved to now
  });
});
