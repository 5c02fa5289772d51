import {BoundedMap, SeenSet} from "./dedup.ts";
import {RateLimitedLog, truncate, type ListenerError, type Logger} from "./errors.ts";
import {InvalidStatusError} from "./record/errors.ts";
import {normaliseStatus} from "./record/normalise.ts";
import type {Sink, SinkEvent} from "./sink.ts";
import {Supervisor, type ServerStats} from "./sources/supervisor.ts";
import type {RawEvent, ServerSpec, SourceEvent, Timeline, Via} from "./sources/types.ts";

export interface DaemonOptions {
  servers: ServerSpec[];
  timeline: Timeline;
  sink: Sink;
  /** false (--no-text): keep counts, drop every toot's text. */
  keepText?: boolean;
  watchdogMs?: number;
  pollIntervalMs?: number;
  connectTimeoutMs?: number;
  backoff?: {baseMs: number; maxMs: number};
  stableMs?: number;
  /** Uris remembered for dedup, and ids remembered to name deleted toots. */
  dedupCapacity?: number;
  idCapacity?: number;
  /** How often one server+reason may be logged. */
  logWindowMs?: number;
  log?: Logger;
  /** Every raw event, before normalisation (--record). */
  record?: (event: RawEvent) => void;
  clock?: () => number;
}

export const DAEMON_DEFAULTS = {
  keepText: true,
  watchdogMs: 120_000,
  pollIntervalMs: 5_000,
  connectTimeoutMs: 30_000,
  backoff: {baseMs: 1_000, maxMs: 60_000},
  stableMs: 30_000,
  dedupCapacity: 200_000,
  idCapacity: 200_000,
  logWindowMs: 60_000
};

const silent: Logger = {info: () => {}, warn: () => {}};

/** Content longer than this (characters of HTML) is not a toot but an attack or a bug: skipped. */
export const MAX_CONTENT = 256 * 1024;

/**
 * The listener's core: servers (one supervisor each) → normalise → dedup → sink. Usable in-process:
 * tests construct it with a capturing sink and short intervals; replay calls ingest() directly.
 */
export class Daemon {
  private readonly o: Required<Omit<DaemonOptions, "record">> & Pick<DaemonOptions, "record">;
  private readonly seen: SeenSet;
  private readonly edits: SeenSet;
  private readonly uris: BoundedMap<string, string>;
  private readonly stats = new Map<string, ServerStats>();
  private readonly supervisors: Supervisor[] = [];
  private readonly problems: RateLimitedLog;
  private readonly notices = new Set<string>();

  constructor(options: DaemonOptions) {
    this.o = {...DAEMON_DEFAULTS, log: silent, clock: Date.now, ...options};
    this.seen = new SeenSet(this.o.dedupCapacity);
    this.edits = new SeenSet(Math.max(1, Math.floor(this.o.dedupCapacity / 10)));
    this.uris = new BoundedMap(this.o.idCapacity);
    this.problems = new RateLimitedLog((m) => this.o.log.warn(m), this.o.logWindowMs, this.o.clock);
    for (const server of this.o.servers) this.statsFor(server.name);
  }

  /** Per-server counters, in the order servers were given (replayed servers after). */
  get servers(): ServerStats[] {
    return [...this.stats.values()];
  }

  start(): void {
    for (const server of this.o.servers) {
      const stats = this.statsFor(server.name);
      const supervisor = new Supervisor({
        server, stats,
        timeline: this.o.timeline,
        watchdogMs: this.o.watchdogMs,
        pollIntervalMs: this.o.pollIntervalMs,
        connectTimeoutMs: this.o.connectTimeoutMs,
        backoff: this.o.backoff,
        stableMs: this.o.stableMs,
        clock: this.o.clock,
        deliver: (event, via) => this.ingest(stamp(event, server.name, this.o.clock(), via)),
        malformed: (reason, detail) => this.invalid(server.name, reason, detail),
        error: (error) => this.connectionProblem(server.name, error),
        notice: (message) => this.notice(server.name, message)
      });
      this.supervisors.push(supervisor);
      supervisor.start();
    }
  }

  /** Stops every server and makes what was received durable. The caller closes the sink. */
  async stop(): Promise<void> {
    await Promise.all(this.supervisors.map((s) => s.stop()));
    await this.o.sink.flush();
  }

  /**
   * One received event through normalise → dedup → sink. Returns whether it was a valid event
   * (duplicates are valid). Never throws: bad input is counted, logged (rate-limited), skipped.
   */
  ingest(event: RawEvent): boolean {
    const stats = this.statsFor(event.server);
    try {
      this.o.record?.(event);
    } catch (error) {
      this.problems.report(event.server, "record failed", (error as Error).message);
    }
    if (event.kind === "delete") return this.deletion(event, stats);
    const content = (event.status as {content?: unknown} | null)?.content;
    if (typeof content === "string" && content.length > MAX_CONTENT) {
      this.invalid(event.server, "content too large", `${content.length} characters (limit ${MAX_CONTENT})`);
      return false;
    }
    let toot;
    try {
      toot = normaliseStatus(event.status, {sourceServer: event.server, receivedAt: event.receivedAt, keepText: this.o.keepText});
    } catch (error) {
      const reason = error instanceof InvalidStatusError ? `invalid ${error.field}` : "unreadable status";
      this.invalid(event.server, reason, (error as Error).message);
      return false;
    }
    this.uris.set(`${event.server} ${toot.id}`, toot.uri);
    if (event.kind === "edit") {
      this.seen.firstTime(toot.uri);
      // The same edit relayed by several servers is one new version.
      if (!this.edits.firstTime(`${toot.uri} ${toot.edited_at}`)) return stats.duplicates++, true;
      stats.edits++;
      return this.write({kind: "edit", toot}, event.server);
    }
    if (!this.seen.firstTime(toot.uri)) return stats.duplicates++, true;
    stats.toots++;
    if (event.via === "backfill") stats.backfilled++;
    return this.write({kind: "toot", toot}, event.server);
  }

  private deletion(event: Extract<RawEvent, {kind: "delete"}>, stats: ServerStats): boolean {
    const id = typeof event.id === "number" && Number.isSafeInteger(event.id) ? String(event.id) : event.id;
    if (typeof id !== "string" || !/^\d{1,30}$/.test(id)) {
      this.invalid(event.server, "invalid delete id", `expected a numeric string, got ${String(event.id).slice(0, 60)}`);
      return false;
    }
    const key = `${event.server} ${id}`;
    const uri = this.uris.get(key) ?? null;
    this.uris.delete(key);
    stats.deletes++;
    return this.write({kind: "delete", deletion: {source_server: event.server, id, uri, deleted_at: event.receivedAt}}, event.server);
  }

  private write(event: SinkEvent, server: string): boolean {
    try {
      this.o.sink.write(event);
    } catch (error) {
      this.statsFor(server).errors++;
      this.problems.report("sink", "write failed", (error as Error).message);
    }
    return true;
  }

  private invalid(server: string, reason: string, detail: string): void {
    this.statsFor(server).invalid++;
    this.problems.report(server, reason, detail);
  }

  private connectionProblem(server: string, error: ListenerError): void {
    // The message is the reason: "stream closed (code 1006)" and "HTTP 503" are reported apart.
    this.problems.report(server, truncate(error.message.replace(`${server}: `, "")));
  }

  private notice(server: string, message: string): void {
    const key = `${server} ${message}`;
    if (this.notices.has(key)) return;
    this.notices.add(key);
    this.o.log.info(`${server}: ${message}`);
  }

  private statsFor(name: string): ServerStats {
    let stats = this.stats.get(name);
    if (!stats) {
      stats = {name, state: "connecting", mode: "streaming", toots: 0, duplicates: 0, backfilled: 0, edits: 0, deletes: 0, invalid: 0, errors: 0, reconnects: 0};
      this.stats.set(name, stats);
    }
    return stats;
  }
}

function stamp(event: SourceEvent, server: string, receivedAt: number, via: Via): RawEvent {
  return {...event, server, receivedAt, via};
}
