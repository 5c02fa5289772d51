import {createReadStream} from "node:fs";
import {createInterface} from "node:readline";
import {setImmediate as yieldToLoop} from "node:timers/promises";
import {sleep} from "../backoff.ts";
import {ReplayError} from "../errors.ts";
import type {RawEvent} from "../sources/types.ts";

export interface ReplayOptions {
  /** 1: the recorded pace; 10: ten times faster; 0: as fast as possible. */
  speed: number;
  signal?: AbortSignal;
  /** A line that is not a recorded event: reported, skipped, the replay goes on. */
  onBadLine(error: ReplayError): void;
}

export interface ReplaySummary {
  events: number;
  skipped: number;
}

/**
 * Feeds a --record file back through ingest() with the recorded timing (scaled by speed). Events
 * keep their recorded server and received time, so a replay produces the same records as the
 * original run.
 */
export async function replayFile(path: string, ingest: (event: RawEvent) => void, options: ReplayOptions): Promise<ReplaySummary> {
  if (!(options.speed >= 0)) throw new Error(`invalid speed: ${options.speed}`);
  const input = createReadStream(path, {encoding: "utf8"});
  const opened = new Promise<void>((resolve, reject) => {
    input.once("ready", () => resolve());
    input.once("error", (error) => reject(new ReplayError(path, 0, `cannot read: ${error.message}`, {cause: error})));
  });
  await opened;
  const lines = createInterface({input, crlfDelay: Infinity});
  const summary: ReplaySummary = {events: 0, skipped: 0};
  let first: number | null = null;
  const start = performance.now();
  let n = 0;
  try {
    for await (const line of lines) {
      n++;
      if (options.signal?.aborted) break;
      if (line.trim() === "") continue;
      const event = parse(path, n, line, options);
      if (!event) {
        summary.skipped++;
        continue;
      }
      first ??= event.receivedAt;
      if (options.speed > 0) {
        const due = start + (event.receivedAt - first) / options.speed - performance.now();
        if (due > 1 && !(await sleep(due, options.signal))) break;
      } else if (n % 2000 === 0) {
        await yieldToLoop(); // lets signals and timers run during a flat-out replay
      }
      ingest(event);
      summary.events++;
    }
  } finally {
    lines.close();
    input.destroy();
  }
  return summary;
}

function parse(path: string, n: number, line: string, options: ReplayOptions): RawEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    options.onBadLine(new ReplayError(path, n, "not JSON", {cause: error}));
    return null;
  }
  const e = value as Partial<RawEvent> & Record<string, unknown>;
  const ok = value !== null && typeof value === "object"
    && (e.kind === "update" || e.kind === "edit" || e.kind === "delete")
    && typeof e.server === "string" && e.server !== ""
    && typeof e.receivedAt === "number" && Number.isFinite(e.receivedAt)
    && (e.kind === "delete" ? "id" in e : "status" in e);
  if (!ok) {
    options.onBadLine(new ReplayError(path, n, "not a recorded event (kind, server, receivedAt and status or id)"));
    return null;
  }
  return {...e, via: typeof e.via === "string" ? e.via : "replay"} as RawEvent;
}
