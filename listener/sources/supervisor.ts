import {Backoff, sleep, type BackoffOptions} from "../backoff.ts";
import {ConnectionError, HttpStatusError, SilentStreamError, type ListenerError} from "../errors.ts";
import {Backfill} from "./backfill.ts";
import {PollingSource} from "./polling.ts";
import {StreamingSource} from "./streaming.ts";
import {laterId, timelinePath} from "./timeline.ts";
import type {ServerSpec, Source, SourceEvent, SourceHandlers, Timeline, Via} from "./types.ts";

export type ServerState = "connecting" | "connected" | "reconnecting" | "polling" | "failed" | "stopped";

/** Per-server counters shown on the status line; the supervisor owns state, reconnects and errors. */
export interface ServerStats {
  name: string;
  state: ServerState;
  mode: "streaming" | "polling";
  toots: number;
  duplicates: number;
  backfilled: number;
  edits: number;
  deletes: number;
  invalid: number;
  errors: number;
  reconnects: number;
}

export interface SupervisorOptions {
  server: ServerSpec;
  timeline: Timeline;
  stats: ServerStats;
  /** Reconnect a stream that delivered nothing this long; 0: never. */
  watchdogMs: number;
  pollIntervalMs: number;
  connectTimeoutMs: number;
  backoff: BackoffOptions;
  /** A connection that stayed up this long resets the backoff. */
  stableMs: number;
  /** Hands an event to the daemon; true when it was a valid status (its id then moves the cursor). */
  deliver(event: SourceEvent, via: Via): boolean;
  malformed(reason: string, detail: string): void;
  error(error: ListenerError): void;
  /** One-off notices (fallback to polling, token refused): said once per server. */
  notice(message: string): void;
  clock: () => number;
}

/**
 * Keeps one server's timeline flowing for days: chooses streaming (token) or polling (none, or the
 * token refused), reconnects with backoff, reconnects silent streams (watchdog), and backfills over
 * REST after every reconnect so a drop loses nothing.
 */
export class Supervisor {
  private server: ServerSpec;
  private readonly abort = new AbortController();
  private readonly backoff: Backoff;
  private readonly backfill: Backfill;
  private source: Source | null = null;
  private endSession: ((error: ListenerError) => void) | null = null;
  private lastId: string | null = null;
  private opens = 0;
  private connected = false;
  private startedAt = 0;
  private done: Promise<void> = Promise.resolve();

  constructor(private readonly o: SupervisorOptions) {
    this.server = o.server;
    this.backoff = new Backoff(o.backoff);
    this.backfill = new Backfill({
      server: () => this.server,
      timeline: o.timeline,
      backoff: o.backoff,
      pagesPerPass: 25,
      signal: this.abort.signal,
      deliver: (status) => this.accept({kind: "update", status}, "backfill"),
      opens: () => this.opens,
      connected: () => this.connected,
      onError: (error) => this.fail(error)
    });
  }

  start(): void {
    this.startedAt = this.o.clock();
    this.o.stats.mode = this.server.token ? "streaming" : "polling";
    if (!this.server.token) {
      this.o.notice(`no access token: polling GET ${timelinePath(this.o.timeline)} every ${this.o.pollIntervalMs / 1000} s (Mastodon 4.2+ streams only to a user token: set ${tokenVariable(this.server.name)})`);
    }
    this.done = this.loop();
  }

  /** Ends the current session and every wait; resolves when the loop has stopped. */
  async stop(): Promise<void> {
    this.abort.abort();
    this.source?.stop();
    this.endSession?.(new ConnectionError(this.server.name, "stopped"));
    await this.done;
    this.o.stats.state = "stopped";
  }

  private async loop(): Promise<void> {
    const {stats} = this.o;
    let failed = false;
    while (!this.abort.signal.aborted) {
      // "failed" stays on screen while retrying a refused server, until a session opens.
      // A session shows "connected"/"polling" once it opens; until then we are (re)connecting.
      if (!failed) stats.state = this.opens === 0 && stats.errors === 0 ? "connecting" : "reconnecting";
      const error = await this.session();
      if (this.abort.signal.aborted) break;
      this.fail(error);
      failed = false;
      if (error instanceof HttpStatusError && error.unauthorized) {
        if (this.handleRefusal(error)) continue;
        failed = true;
      }
      stats.state = failed ? "failed" : "reconnecting";
      const retryAfter = error instanceof HttpStatusError ? error.retryAfterMs ?? 0 : 0;
      await sleep(Math.max(this.backoff.next(), retryAfter), this.abort.signal);
      stats.reconnects++;
    }
    stats.state = "stopped";
  }

  /** A 401/403: streaming → polling with the token; polling with a token → polling without. */
  private handleRefusal(error: HttpStatusError): boolean {
    const {stats} = this.o;
    if (stats.mode === "streaming") {
      stats.mode = "polling";
      this.o.notice(`streaming refused the token (HTTP ${error.status}): polling GET ${timelinePath(this.o.timeline)} every ${this.o.pollIntervalMs / 1000} s instead`);
      return true;
    }
    if (this.server.token) {
      this.server = {...this.server, token: null};
      this.o.notice(`the timeline refused the token (HTTP ${error.status}): polling without it`);
      return true;
    }
    this.o.notice(`the timeline needs a valid access token (HTTP ${error.status}): set ${tokenVariable(this.server.name)}; retrying slowly`);
    return false;
  }

  /** Runs one source until it closes; resolves with why it ended. */
  private session(): Promise<ListenerError> {
    const {stats, watchdogMs, clock} = this.o;
    const streaming = stats.mode === "streaming";
    const source: Source = streaming
      ? new StreamingSource(this.server, this.o.timeline, {connectTimeoutMs: this.o.connectTimeoutMs})
      : new PollingSource(this.server, this.o.timeline, {intervalMs: this.o.pollIntervalMs, cursor: () => this.lastId ?? this.anchor(), maxPages: 25});
    this.source = source;
    return new Promise<ListenerError>((resolve) => {
      let openedAt: number | null = null;
      let watchdog: NodeJS.Timeout | undefined;
      let lastTraffic = clock();
      const kick = () => (lastTraffic = clock());
      const finish = (error: ListenerError) => {
        if (this.endSession !== finish) return;
        this.endSession = null;
        clearInterval(watchdog);
        if (this.connected && streaming) this.backfill.markGap(this.lastId ?? this.anchor());
        this.connected = false;
        if (openedAt !== null && clock() - openedAt >= this.o.stableMs) this.backoff.reset();
        resolve(error);
      };
      this.endSession = finish;
      // A source may still call in after its session ended (a page in flight): ignore it then.
      const live = () => this.endSession === finish;
      const handlers: SourceHandlers = {
        open: () => {
          if (!live()) return;
          openedAt = kick();
          this.connected = true;
          this.opens++;
          stats.state = streaming ? "connected" : "polling";
          if (streaming) this.backfill.opened();
          if (streaming && watchdogMs > 0) {
            // Checked at a fraction of the limit so a silent stream is caught within ~1.25 × watchdog.
            watchdog = setInterval(() => {
              const silent = clock() - lastTraffic;
              if (silent < watchdogMs) return;
              source.stop();
              finish(new SilentStreamError(this.server.name, silent));
            }, Math.max(50, Math.floor(watchdogMs / 4)));
            watchdog.unref();
          }
        },
        event: (event) => {
          if (!live()) return;
          kick();
          this.accept(event, streaming ? "stream" : "poll");
        },
        alive: () => void (live() && kick()),
        malformed: (reason, detail) => {
          if (!live()) return;
          kick();
          this.o.malformed(reason, detail);
        },
        advance: (id) => {
          if (live()) this.lastId = laterId(this.lastId, id);
        },
        closed: (error) => finish(error ?? new ConnectionError(this.server.name, "session ended"))
      };
      source.start(handlers);
    }).finally(() => {
      this.source = null;
    });
  }

  /** Passes an event on; a valid status moves the cursor backfill and polling continue from. */
  private accept(event: SourceEvent, via: Via): void {
    const valid = this.o.deliver(event, via);
    if (valid && event.kind === "update") {
      const id = (event.status as {id?: unknown}).id;
      if (typeof id === "string" && /^\d{1,30}$/.test(id)) this.lastId = laterId(this.lastId, id);
    }
  }

  /**
   * Where collection starts before any id was seen: the id Mastodon gives a status created when we
   * started (ids are time-based), a few seconds early for clock skew. Older toots are history, not
   * ours to collect; toots posted since are fetched even if they came before the first poll.
   */
  private anchor(): string {
    return snowflakeAt(this.startedAt - 5_000);
  }

  private fail(error: ListenerError): void {
    this.o.stats.errors++;
    this.o.error(error);
  }
}

/** The environment variable that holds this server's token. */
export function tokenVariable(host: string): string {
  return `MASTODON_TOKEN_${host.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}

/** The id Mastodon gives a status created at `ms` (ms << 16): where to backfill from when no id was seen yet. */
export function snowflakeAt(ms: number): string {
  return (BigInt(Math.max(0, Math.floor(ms))) << 16n).toString();
}
