import type {Engine} from "../engine.ts";

/** One query written once per engine: `embedded` reads the deduplicated toots (DuckDB: the
 * `toots` view, or `toots_between($from, $to)` for a window, which is much faster), `pinot` the
 * `mastodon` table (deduplicated at ingestion). Both take the same $parameters and must return
 * the same columns with the same ORDER BY, so results compare row for row. */
export interface Forms {
  embedded: string;
  pinot: string;
}

export function runForm<T>(engine: Engine, forms: Forms, params?: Record<string, number | string>): Promise<T[]> {
  return engine.query<T>({text: forms[engine.name], params});
}

/** The window [from, to): the embedded engine's table of it, and Pinot's WHERE clause. */
export const WINDOW_TOOTS = "toots_between($from, $to)";
export const IN_WINDOW = "created_at >= $from AND created_at < $to";
