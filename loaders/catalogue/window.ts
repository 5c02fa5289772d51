import type {Engine} from "../engine.ts";

/** A time window [from, to) in epoch ms, and the window of the same length just before it. */
export interface Window {
  from: number;
  to: number;
  previousFrom: number;
}

const MINUTE = 60_000;

/**
 * The window ends at the newest toot (rounded up to the minute), not at the wall clock, so a
 * published report shows its data, and a demo generated for another day still has a window.
 */
export async function latestWindow(engine: Engine, hours: number, to?: number): Promise<Window | null> {
  if (!(hours > 0)) throw new Error(`invalid hours: ${hours}`);
  let end = to;
  if (end === undefined) {
    const [row] = await engine.query<{latest: number | null}>({
      text: engine.name === "pinot" ? "SELECT MAX(created_at) AS latest FROM mastodon" : "SELECT max(created_at) AS latest FROM raw_toots"
    });
    // Pinot answers MAX over no rows with -Infinity (a double); DuckDB with null.
    if (!row || row.latest === null || !Number.isFinite(row.latest) || row.latest <= 0) return null;
    end = Math.floor(row.latest / MINUTE) * MINUTE + MINUTE;
  }
  const length = Math.round(hours * 60) * MINUTE;
  return {from: end - length, to: end, previousFrom: end - 2 * length};
}
