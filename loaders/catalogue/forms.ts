import type {Engine} from "../engine.ts";

/** One query written once per engine: `embedded` reads the deduplicated `toots` view (DuckDB),
 * `pinot` the `mastodon` table (deduplicated at ingestion). Both take the same $parameters and
 * must return the same columns with the same ORDER BY, so results compare row for row. */
export interface Forms {
  embedded: string;
  pinot: string;
}

export function runForm<T>(engine: Engine, forms: Forms, params?: Record<string, number | string>): Promise<T[]> {
  return engine.query<T>({text: forms[engine.name], params});
}

/** Shared WHERE clause of a window [from, to). */
export const IN_WINDOW = "created_at >= $from AND created_at < $to";
