import {DuckDBInstance, type DuckDBConnection} from "@duckdb/node-api";

/** An in-memory DuckDB: the store's data lives in Parquet files, so no process holds a database lock. */
export async function openDuckDB(): Promise<{connection: DuckDBConnection; close(): void}> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  return {
    connection,
    close() {
      connection.closeSync();
      instance.closeSync();
    }
  };
}

/** Rows as plain JS objects: BIGINT becomes number (our longs are epoch ms and counts, all < 2^53). */
export async function readRows<T>(connection: DuckDBConnection, sql: string, params?: Record<string, number | string>): Promise<T[]> {
  const reader = await connection.runAndReadAll(sql, params && bindable(params));
  return reader.getRowObjectsJS().map((row) => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(row)) out[key] = toPlain(value);
    return out as T;
  });
}

function toPlain(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (Array.isArray(value)) return value.map(toPlain);
  return value;
}

/** Whole numbers bind as BIGINT (epoch ms, LIMIT), not DOUBLE. */
function bindable(params: Record<string, number | string>): Record<string, bigint | number | string> {
  const out: Record<string, bigint | number | string> = {};
  for (const [key, value] of Object.entries(params)) out[key] = typeof value === "number" && Number.isSafeInteger(value) ? BigInt(value) : value;
  return out;
}
