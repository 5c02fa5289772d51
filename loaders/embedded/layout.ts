import {mkdirSync, readdirSync, statSync} from "node:fs";
import {join} from "node:path";

/**
 * On-disk layout of the embedded store: immutable Parquet files in two folders.
 *   toots/   toot records (new toots and new versions of edited ones)
 *   deletes/ deletions (source_server, id, uri, deleted_at)
 * A file appears by rename() of a finished temporary file, so a reader never sees half a file.
 */
export const TABLES = ["toots", "deletes"] as const;
export type Table = (typeof TABLES)[number];

export const PART_SUFFIX = ".parquet";
const TMP_SUFFIX = ".tmp";

export function tableDir(root: string, table: Table): string {
  return join(root, table);
}

export function ensureLayout(root: string): void {
  for (const table of TABLES) mkdirSync(tableDir(root, table), {recursive: true});
}

let sequence = 0;
/** Sortable, unique across processes: time, pid, a counter. Compacted files start with "c" so they sort apart. */
export function partName(kind: "p" | "c", now = Date.now()): string {
  return `${kind}-${now.toString().padStart(14, "0")}-${process.pid}-${(sequence++).toString().padStart(6, "0")}${PART_SUFFIX}`;
}

export function tmpPath(path: string): string {
  return path + TMP_SUFFIX;
}

export interface Part {
  path: string;
  name: string;
  bytes: number;
}

/** Finished parts of a table, oldest first; temporary files of a running or killed writer are ignored. */
export function listParts(root: string, table: Table): Part[] {
  const dir = tableDir(root, table);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const parts: Part[] = [];
  for (const name of names.filter((n) => n.endsWith(PART_SUFFIX)).sort()) {
    try {
      parts.push({path: join(dir, name), name, bytes: statSync(join(dir, name)).size});
    } catch {} // removed by a compaction between readdir and stat
  }
  return parts;
}

/** SQL string literal (paths come from our own layout, but quote them properly anyway). */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}
