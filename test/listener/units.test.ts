// The listener's small parts: backoff, bounded dedup, options, redaction, rate-limited logs, sinks, replay, status line.
import {mkdtempSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, test} from "vitest";
import {Backoff} from "../../listener/backoff.ts";
import {Daemon} from "../../listener/daemon.ts";
import {BoundedMap, SeenSet} from "../../listener/dedup.ts";
import {OptionsError, RateLimitedLog, SinkUnavailableError, redact} from "../../listener/errors.ts";
import {parseOptions} from "../../listener/options.ts";
import {replayFile} from "../../listener/replay/replay.ts";
import {describeSink, openSink} from "../../listener/sinks/index.ts";
import {laterId, maxId} from "../../listener/sources/timeline.ts";
import type {RawEvent} from "../../listener/sources/types.ts";
import {ConsoleReporter} from "../../listener/status-line.ts";
import {CaptureSink, status} from "./helpers.ts";

describe("backoff", () => {
  test("grows exponentially to the cap with full jitter, and resets", () => {
    const top = new Backoff({baseMs: 100, maxMs: 1000, random: () => 0.999999});
    expect(Array.from({length: 6}, () => top.next())).toEqual([99, 199, 399, 799, 999, 999]);
    top.reset();
    expect(top.next()).toBe(99);
    const bottom = new Backoff({baseMs: 100, maxMs: 1000, random: () => 0});
    expect(bottom.next()).toBe(0);
    const real = new Backoff({baseMs: 100, maxMs: 1000});
    for (let i = 0; i < 50; i++) expect(real.next()).toBeLessThan(1000);
    expect(() => new Backoff({baseMs: 0, maxMs: 10})).toThrow("invalid backoff base: 0");
  });
});

describe("bounded dedup", () => {
  test("remembers the last N keys, refreshing on a hit; memory stays flat", () => {
    const seen = new SeenSet(3);
    expect(["a", "b", "c"].map((k) => seen.firstTime(k))).toEqual([true, true, true]);
    expect(seen.firstTime("a")).toBe(false); // refreshes a
    expect(seen.firstTime("d")).toBe(true); // evicts b, the least recent
    expect(seen.firstTime("b")).toBe(true);
    expect(seen.firstTime("a")).toBe(false);
    for (let i = 0; i < 100_000; i++) seen.firstTime(`uri-${i}`);
    expect(seen.size).toBe(3);
    const map = new BoundedMap<string, number>(2);
    map.set("x", 1);
    map.set("y", 2);
    map.set("z", 3);
    expect([map.get("x"), map.get("y"), map.get("z")]).toEqual([undefined, 2, 3]);
  });

  test("ids compare as BigInt, never as Number", () => {
    // Both round to the same double: Number would call them equal.
    expect(Number("113456789012345679") === Number("113456789012345678")).toBe(true);
    expect(laterId("113456789012345678", "113456789012345679")).toBe("113456789012345679");
    expect(maxId([{id: "9"}, {id: "113456789012345679"}, {id: "x"}, null, {id: 5}])).toBe("113456789012345679");
  });
});

describe("options", () => {
  const env = {} as NodeJS.ProcessEnv;
  test("servers from argv or MASTODON_SERVERS, tokens only from the environment", () => {
    const o = parseOptions(["--server", "mastodon.social", "--server", "http://127.0.0.1:3000/"], {MASTODON_TOKEN_MASTODON_SOCIAL: "t1", MASTODON_TOKEN: "general"})!;
    expect(o.servers).toEqual([
      {name: "mastodon.social", url: "https://mastodon.social", token: "t1"},
      {name: "127.0.0.1:3000", url: "http://127.0.0.1:3000", token: null}
    ]);
    expect(o.warnings.join()).toContain("MASTODON_TOKEN is not used with 2 servers");
    const single = parseOptions([], {MASTODON_SERVERS: "fosstodon.org", MASTODON_TOKEN: "general"})!;
    expect(single.servers).toEqual([{name: "fosstodon.org", url: "https://fosstodon.org", token: "general"}]);
    expect(parseOptions(["--server", "example.org"], {MASTODON_TOKEN_EXAMPLE_ORG: "t"})!.warnings).toEqual([]);
    expect(parseOptions(["--server", "http://example.org"], {MASTODON_TOKEN_EXAMPLE_ORG: "t"})!.warnings.join()).toContain("unencrypted");
  });

  test("defaults and every option", () => {
    const d = parseOptions(["--server", "a.example"], env)!;
    expect(d).toMatchObject({timeline: {kind: "public"}, sink: "store", watchdogMs: 120_000, pollIntervalMs: 5000, keepText: true, quiet: false, record: null, replay: null});
    expect(d.kafka).toEqual({brokers: ["localhost:9092"], topic: "mastodon-topic"});
    const o = parseOptions(["--server", "a.example", "--timeline", "hashtag:#Rust", "--sink", "kafka", "--watchdog", "0", "--no-text", "--quiet", "--record", "r.ndjson"],
      {KAFKA_BROKERS: "k1:9092,k2:9092", KAFKA_TOPIC: "t", SCHEMA_REGISTRY_URL: "http://localhost:8081/"})!;
    expect(o).toMatchObject({timeline: {kind: "hashtag", tag: "Rust"}, sink: "kafka", watchdogMs: 0, keepText: false, quiet: true, record: "r.ndjson"});
    expect(o.kafka).toEqual({brokers: ["k1:9092", "k2:9092"], topic: "t", schemaRegistry: "http://localhost:8081"});
    expect(parseOptions(["--replay", "r.ndjson", "--speed", "max"], env)).toMatchObject({replay: "r.ndjson", speed: 0, servers: []});
    expect(parseOptions(["--help"], env)).toBeNull();
  });

  test.each([
    [["--server", "a.example", "--watchdog", "soon"], "invalid watchdog: soon"],
    [["--server", "a.example", "--watchdog", "-1"], "invalid watchdog: -1"],
    [["--server", "a.example", "--timeline", "home"], "invalid timeline: home"],
    [["--server", "a.example", "--sink", "s3"], "invalid sink: s3"],
    [["--server", "ftp://a.example"], "invalid server: ftp://a.example"],
    [["--server", "https://a.example/path"], "invalid server: https://a.example/path"],
    [["--server", "a.example", "--speed", "2"], "invalid speed"],
    [["--replay", "f", "--server", "a.example"], "invalid replay"],
    [["--server", "a.example", "--poll", "0"], "invalid poll: 0"],
    [["--server", "a.example", "--access-token=abc"], "tokens are read from the environment only"],
    [[], "no servers"]
  ])("%j fails with %s", (argv, message) => {
    expect(() => parseOptions(argv, env)).toThrow(OptionsError);
    expect(() => parseOptions(argv, env)).toThrow(message);
  });
});

describe("redaction and rate-limited logs", () => {
  test("tokens are removed from any text", () => {
    expect(redact("ws://h/api/v1/streaming?stream=public&access_token=abc123 failed", [])).toBe("ws://h/api/v1/streaming?stream=public&access_token=[redacted] failed");
    expect(redact("Authorization: Bearer abc.def-ghi", [])).toBe("Authorization: Bearer [redacted]");
    expect(redact("token s3cr3t-value in a message", ["s3cr3t-value"])).toBe("token [redacted] in a message");
  });

  test("one line per source+reason per window, then a count of what was skipped", () => {
    const lines: string[] = [];
    let now = 0;
    const log = new RateLimitedLog((m) => lines.push(m), 60_000, () => now);
    for (let i = 0; i < 5; i++) log.report("a.example", "invalid id", `got ${i}`);
    log.report("b.example", "invalid id", "got x");
    log.report("a.example", "invalid uri", "x".repeat(5000));
    now = 61_000;
    log.report("a.example", "invalid id", "again");
    expect(lines).toEqual([
      "a.example: invalid id: got 0",
      "b.example: invalid id: got x",
      `a.example: invalid uri: ${"x".repeat(199)}…`,
      "a.example: invalid id: again (+4 more since the last report)"
    ]);
  });
});

describe("sinks", () => {
  test("a missing Kafka sink module is a clear error", async () => {
    const missing = new URL("./no-such-kafka.ts", import.meta.url).href;
    const attempt = openSink("kafka", {kafka: {brokers: ["localhost:9092"], topic: "t"}, kafkaModule: missing});
    await expect(attempt).rejects.toThrow(SinkUnavailableError);
    await expect(attempt).rejects.toThrow("kafka sink is not available: listener/sinks/kafka.ts is missing");
  });
});

describe("replay", () => {
  test("feeds recorded events back with their timing; bad lines are skipped and reported", async () => {
    const dir = mkdtempSync(join(tmpdir(), "replay-"));
    const file = join(dir, "r.ndjson");
    const t0 = 1_800_000_000_000;
    const events: RawEvent[] = [
      {kind: "update", server: "a.example", receivedAt: t0, via: "stream", status: status()},
      {kind: "update", server: "a.example", receivedAt: t0 + 300, via: "stream", status: status()},
      {kind: "delete", server: "a.example", receivedAt: t0 + 400, via: "stream", id: "5"}
    ];
    writeFileSync(file, [JSON.stringify(events[0]), "not json", "{\"kind\":\"update\"}", "", JSON.stringify(events[1]), JSON.stringify(events[2])].join("\n") + "\n");
    const got: RawEvent[] = [];
    const bad: string[] = [];
    const started = performance.now();
    const summary = await replayFile(file, (e) => got.push(e), {speed: 2, onBadLine: (e) => bad.push(e.message)});
    expect(performance.now() - started).toBeGreaterThanOrEqual(190); // 400 ms recorded at 2×
    expect(summary).toEqual({events: 3, skipped: 2});
    expect(got).toEqual(events);
    expect(bad).toEqual([`${file}:2: not JSON`, `${file}:3: not a recorded event (kind, server, receivedAt and status or id)`]);
    // Replayed through the daemon: the same records as live.
    const sink = new CaptureSink();
    const daemon = new Daemon({servers: [], timeline: {kind: "public"}, sink});
    for (const e of got) daemon.ingest(e);
    expect(sink.toots.map((t) => t.received_at)).toEqual([t0, t0 + 300]);
    expect(sink.deletions).toEqual([{source_server: "a.example", id: "5", uri: null, deleted_at: t0 + 400}]);
  });
});

describe("status line", () => {
  test("the Kafka sink's state gets a line of its own", () => {
    const out: string[] = [];
    const kafka = {write() {}, flush: async () => {}, close: async () => {},
      stats: () => ({connected: false, sent: 120, buffered: 30, spilled: 2000, rejected: 0, errors: 3, lastError: "Connection error: connect ECONNREFUSED 127.0.0.1:9092"})};
    const reporter = new ConsoleReporter({out: {write: (t: string) => out.push(t)}, err: {write: (t: string) => out.push(t)}, stats: () => [], sinkStatus: () => describeSink(kafka), secrets: [], quiet: false, intervalMs: 1000});
    expect(reporter.lines()).toEqual(["sink  kafka unreachable, 120 sent, 30 buffered, 2000 spilled to disk, 0 rejected, 3 errors (last: Connection error: connect ECONNREFUSED 127.0.0.1:9092)"]);
    expect(describeSink({write() {}, flush: async () => {}, close: async () => {}})).toBeNull();
  });

  const stats = [{name: "a.example", state: "connected" as const, mode: "streaming" as const, toots: 10, duplicates: 1, backfilled: 2, edits: 0, deletes: 0, invalid: 3, errors: 4, reconnects: 1}];
  test("plain lines off a terminal; redraws in place on one; tokens redacted everywhere", () => {
    const out: string[] = [];
    const plain = new ConsoleReporter({out: {write: (t: string) => out.push(t)}, err: {write: (t: string) => out.push(t)}, stats: () => stats, secrets: ["tok-123"], quiet: false, intervalMs: 1000});
    plain.warn("failed with tok-123");
    plain.stop();
    expect(out[0]).toMatch(/^warning: failed with \[redacted\]\n$/);
    expect(out[1]).toContain("a.example  connected");
    expect(out[1]).toContain("10 toots, 1 duplicates dropped, 2 backfilled, 0 edits, 0 deletes, 3 invalid, 4 errors");

    const tty: string[] = [];
    const term = {write: (t: string) => tty.push(t), isTTY: true};
    const live = new ConsoleReporter({out: term, err: term, stats: () => stats, secrets: [], quiet: false, intervalMs: 1000});
    (live as unknown as {tick(): void}).tick();
    live.info("hello");
    expect(tty[1]).toBe("\x1b[1F\x1b[0J"); // the block is cleared before a log line
    expect(tty[2]).toBe("hello\n");
    live.stop();
  });
});
