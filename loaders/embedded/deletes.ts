/** Deletions table: Mastodon names a deleted toot by its id on one server; uri when the listener knew it. */
export const DELETES_DDL = (name: string) =>
  `CREATE TEMP TABLE IF NOT EXISTS ${name} (source_server VARCHAR, id VARCHAR, uri VARCHAR, deleted_at BIGINT)`;

/**
 * The one rule that turns raw rows into toots, used by the reader's view and by compaction alike:
 * one row per uri — the latest edit if the toot was edited, else the first copy received — and no
 * text for deleted toots (their counts stay).
 */
export function dedupedTootsSql(raw: string, deletes: string | null): string {
  const deleted = deletes
    ? `(SELECT uri FROM ${deletes} WHERE uri IS NOT NULL
        UNION SELECT r.uri FROM ${raw} r JOIN ${deletes} d ON r.source_server = d.source_server AND r.id = d.id)`
    : null;
  const text = deleted ? `CASE WHEN uri IN ${deleted} THEN NULL ELSE text END AS text` : null;
  return `SELECT * ${text ? `REPLACE (${text})` : ""} FROM ${raw}
    QUALIFY row_number() OVER (PARTITION BY uri ORDER BY edited_at DESC NULLS LAST, received_at, source_server, id) = 1`;
}
