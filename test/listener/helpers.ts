import {Daemon, type DaemonOptions} from "../../listener/daemon.ts";
import type {Logger} from "../../listener/errors.ts";
import {startFakeMastodon, type FakeMastodon, type FakeMastodonOptions} from "../../listener/fake/server.ts";
import type {Toot} from "../../listener/record/schema.ts";
import type {Deletion, Sink, SinkEvent} from "../../listener/sink.ts";
import {makeStatus} from "../fixtures/toots.ts";

/** A sink that keeps everything in memory, for assertions. */
export class CaptureSink implements Sink {
  readonly events: SinkEvent[] = [];
  flushes = 0;
  write(event: SinkEvent): void {
    this.events.push(event);
  }
  async flush(): Promise<void> {
    this.flushes++;
  }
  async close(): Promise<void> {}
  get toots(): Toot[] {
    return this.events.flatMap((e) => (e.kind === "toot" ? [e.toot] : []));
  }
  get edits(): Toot[] {
    return this.events.flatMap((e) => (e.kind === "edit" ? [e.toot] : []));
  }
  get deletions(): Deletion[] {
    return this.events.flatMap((e) => (e.kind === "delete" ? [e.deletion] : []));
  }
}

export class CaptureLog implements Logger {
  readonly lines: string[] = [];
  info(message: string): void {
    this.lines.push(`info: ${message}`);
  }
  warn(message: string): void {
    this.lines.push(`warn: ${message}`);
  }
}

/** Polls until `check` is true (or throws with `what` after `timeoutMs`). */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let counter = 0;
/** A realistic status with a unique uri on `origin` (Mastodon 4.x JSON, as the fixtures build it). */
export function status(overrides: Record<string, unknown> = {}, account: Record<string, unknown> = {}, origin = "fosstodon.org"): Record<string, unknown> {
  const n = ++counter;
  return makeStatus({uri: `https://${origin}/users/bob/statuses/${n}${Date.now()}`, url: `https://${origin}/@bob/${n}`, ...overrides}, account);
}

/** Fast intervals so reconnect and watchdog tests run in seconds. */
export const FAST = {
  watchdogMs: 0,
  pollIntervalMs: 200,
  connectTimeoutMs: 3_000,
  backoff: {baseMs: 50, maxMs: 300},
  stableMs: 200,
  logWindowMs: 60_000
} satisfies Partial<DaemonOptions>;

export interface Harness {
  fakes: FakeMastodon[];
  sink: CaptureSink;
  log: CaptureLog;
  daemon: Daemon;
  close(): Promise<void>;
}

/** Fake servers plus an in-process daemon following them (each with a token unless `token: null`). */
export async function harness(
  servers: (FakeMastodonOptions & {token?: string | null})[],
  options: Partial<DaemonOptions> = {}
): Promise<Harness> {
  const fakes = await Promise.all(servers.map(({token: _, ...o}) => startFakeMastodon({pingIntervalMs: 0, ...o})));
  const sink = new CaptureSink();
  const log = new CaptureLog();
  const daemon = new Daemon({
    servers: fakes.map((f, i) => ({name: f.host, url: f.url, token: servers[i]!.token === undefined ? `token-${i}` : servers[i]!.token!})),
    timeline: {kind: "public"},
    sink, log, ...FAST, ...options
  });
  daemon.start();
  return {
    fakes, sink, log, daemon,
    async close() {
      await daemon.stop();
      await Promise.all(fakes.map((f) => f.close()));
    }
  };
}
