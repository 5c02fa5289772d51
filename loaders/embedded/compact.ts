import {closeSync, openSync, renameSync, rmSync, statSync} from "node:fs";
import {join} from "node:path";
import type {DuckDBConnection} from "@duckdb/node-api";
import {dedupedTootsSql} from "./deletes.ts";
import {openDuckDB} from "./duckdb.ts";
import {listParts, partName, sqlString, tableDir, tmpPath, type Part, type Table} from "./layout.ts";

export interface CompactOptions {
  /** Reuse a connection (the writer's); otherwise one is opened and closed here. */
  connection?: DuckDBConnection;
  /** Parts smaller than this are merged; larger ones are left alone. */
  targetBytes?: number;
  /** Do nothing until at least this many small parts exist. */
  minParts?: number;
}

export interface CompactResult {
  toots: {merged: number; rows: number};
  deletes: {merged: number; rows: number};
}

/**
 * Merges small parts into one, applying the dedup/delete rule, so a million toots are a few files.
 * The merged file appears (rename) before the small ones go; a reader that listed a removed part
 * retries (engine.ts), and one that sees both still counts each uri once. One compactor at a time.
 */
export async function compactStore(root: string, options: CompactOptions = {}): Promise<CompactResult> {
  const {targetBytes = 64 << 20, minParts = 8} = options;
  const release = lock(join(root, "compact.lock"));
  if (!release) return {toots: {merged: 0, rows: 0}, deletes: {merged: 0, rows: 0}};
  const own = options.connection ? undefined : await openDuckDB();
  const connection = options.connection ?? own!.connection;
  try {
    const deleteParts = listParts(root, "deletes");
    const small = (table: Table) => listParts(root, table).filter((p) => p.bytes < targetBytes);
    const toots = small("toots");
    const deletes = deleteParts.filter((p) => p.bytes < targetBytes);
    const deletesSource = deleteParts.length ? `read_parquet(${fileList(deleteParts)})` : null;
    return {
      toots: toots.length >= minParts ? await merge(connection, root, "toots", toots, (list) =>
        dedupedTootsSql(`read_parquet(${list}, union_by_name = true)`, deletesSource) + " ORDER BY created_at") : {merged: 0, rows: 0},
      deletes: deletes.length >= minParts ? await merge(connection, root, "deletes", deletes, (list) =>
        `SELECT DISTINCT * FROM read_parquet(${list}, union_by_name = true)`) : {merged: 0, rows: 0}
    };
  } finally {
    own?.close();
    release();
  }
}

async function merge(connection: DuckDBConnection, root: string, table: Table, parts: Part[], query: (list: string) => string) {
  const path = join(tableDir(root, table), partName("c"));
  const result = await connection.run(`COPY (${query(fileList(parts))}) TO ${sqlString(tmpPath(path))} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)`);
  renameSync(tmpPath(path), path);
  for (const part of parts) rmSync(part.path, {force: true});
  return {merged: parts.length, rows: Number(result.rowsChanged)};
}

function fileList(parts: Part[]): string {
  return `[${parts.map((p) => sqlString(p.path)).join(", ")}]`;
}

/** An exclusive lock file; one left by a killed compactor is taken over after ten minutes. */
function lock(path: string): (() => void) | undefined {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      closeSync(openSync(path, "wx"));
      return () => rmSync(path, {force: true});
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      try {
        if (Date.now() - statSync(path).mtimeMs < 10 * 60_000) return undefined;
        rmSync(path, {force: true});
      } catch {}
    }
  }
  return undefined;
}
