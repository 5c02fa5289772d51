import {Backoff, sleep, type BackoffOptions} from "../backoff.ts";
import {asListenerError, type ListenerError} from "../errors.ts";
import {laterId, pageForward} from "./timeline.ts";
import type {ServerSpec, Timeline} from "./types.ts";

export interface BackfillOptions {
  server: () => ServerSpec;
  timeline: Timeline;
  backoff: BackoffOptions;
  /** Pages fetched between checks for a reconnect (each page is up to 40 statuses). */
  pagesPerPass: number;
  signal: AbortSignal;
  deliver(status: unknown): void;
  /** How many times the stream has opened: a change during a pass means a new gap may exist. */
  opens(): number;
  connected(): boolean;
  onError(error: ListenerError): void;
}

/**
 * Fills the hole a dropped stream leaves, over REST: from the last id seen before the drop, paging
 * forward with min_id until caught up. The gap stays open until a pass finishes while the same
 * connection is still up; a drop during a pass keeps the cursor, and the next connection resumes.
 * Statuses the stream also delivered meanwhile are dropped by the daemon's dedup.
 */
export class Backfill {
  private from: string | null = null;
  private running = false;
  private readonly backoff: Backoff;

  constructor(private readonly o: BackfillOptions) {
    this.backoff = new Backoff(o.backoff);
  }

  get pending(): boolean {
    return this.from !== null;
  }

  /** A stream session ended: the gap starts after `lastId`, unless an earlier gap is still open. */
  markGap(lastId: string | null): void {
    if (this.from === null) this.from = lastId;
  }

  /** A stream session opened: fill the gap, if there is one. */
  opened(): void {
    if (this.from !== null && !this.running) void this.run();
  }

  private async run(): Promise<void> {
    this.running = true;
    const {signal} = this.o;
    try {
      while (this.from !== null && !signal.aborted) {
        const opens = this.o.opens();
        let caughtUp = false;
        try {
          for await (const page of pageForward(this.o.server(), this.o.timeline, this.from, {signal, maxPages: this.o.pagesPerPass})) {
            if (signal.aborted) return;
            for (const status of page.statuses) this.o.deliver(status);
            this.from = laterId(this.from, page.cursor);
            caughtUp = page.caughtUp;
          }
          this.backoff.reset();
        } catch (error) {
          if (signal.aborted) return;
          const e = asListenerError(error, this.o.server().name);
          this.o.onError(e);
          if (!e.retriable) return void (this.from = null);
          const retryAfter = "retryAfterMs" in e && typeof e.retryAfterMs === "number" ? e.retryAfterMs : 0;
          await sleep(Math.max(this.backoff.next(), retryAfter), signal);
          if (!this.o.connected()) return;
          continue;
        }
        if (!this.o.connected()) return;
        // Caught up with no reconnect since the pass began: the gap is closed. A pass cut at
        // pagesPerPass, or a reconnect meanwhile, means another pass from the cursor.
        if (caughtUp && this.o.opens() === opens) this.from = null;
      }
    } finally {
      this.running = false;
    }
  }
}
