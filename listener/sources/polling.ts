import {sleep} from "../backoff.ts";
import {asListenerError} from "../errors.ts";
import {pageForward} from "./timeline.ts";
import type {ServerSpec, Source, SourceHandlers, Timeline} from "./types.ts";

export interface PollingOptions {
  intervalMs: number;
  /** Where to continue from: the supervisor's last id for this server (null: start at the newest page). */
  cursor: () => string | null;
  /** Pages per poll at most, so one poll cannot run away on a huge backlog. */
  maxPages: number;
}

/**
 * The timeline over REST when streaming is not possible (no token: Mastodon 4.2+ refuses anonymous
 * streaming). Every interval it pages forward from the last id until caught up. A failed request
 * ends the session; the supervisor waits (backoff) and starts a new one from the same cursor.
 */
export class PollingSource implements Source {
  readonly kind = "polling";
  private readonly abort = new AbortController();

  constructor(private readonly server: ServerSpec, private readonly timeline: Timeline, private readonly options: PollingOptions) {}

  start(handlers: SourceHandlers): void {
    void this.run(handlers);
  }

  stop(): void {
    this.abort.abort();
  }

  private async run(h: SourceHandlers): Promise<void> {
    const {signal} = this.abort;
    let opened = false;
    try {
      while (!signal.aborted) {
        for await (const page of pageForward(this.server, this.timeline, this.options.cursor(), {signal, maxPages: this.options.maxPages})) {
          if (signal.aborted) break;
          if (!opened) (opened = true), h.open();
          for (const status of page.statuses) h.event({kind: "update", status});
          if (page.cursor) h.advance(page.cursor);
        }
        if (!(await sleep(this.options.intervalMs, signal))) break;
      }
    } catch (error) {
      // After stop() a source reports nothing more: the supervisor asked for the end.
      if (!signal.aborted) h.closed(asListenerError(error, this.server.name));
    }
  }
}
