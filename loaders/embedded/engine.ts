import type {DuckDBConnection} from "@duckdb/node-api";
import {demoToots, type DemoOptions} from "../../listener/demo/generator.ts";
import {EngineError, type Engine, type Sql} from "../engine.ts";
import {appendToot, tootTableDdl} from "./columns.ts";
import {DELETES_DDL, dedupedTootsSql} from "./deletes.ts";
import {openDuckDB, readRows} from "./duckdb.ts";
import {listParts, sqlString, tableDir} from "./layout.ts";

export interface EmbeddedOptions {
  root: string;
  /** When the store holds no toots: serve this demo instead (false: serve the empty store). */
  demo?: Partial<DemoOptions> | false;
}

/**
 * Queries the embedded store from any process while a writer appends: Parquet parts are read
 * through a view (re-listed at every query), so there is no lock to take and no stale snapshot.
 */
export async function openEmbedded(options: EmbeddedOptions): Promise<Engine> {
  const db = await openDuckDB();
  const {connection} = db;
  try {
    const hasToots = listParts(options.root, "toots").length > 0;
    const demo = !hasToots && options.demo !== false;
    if (hasToots) {
      await connection.run(`CREATE TEMP VIEW raw_toots AS SELECT * FROM read_parquet(${sqlString(tableDir(options.root, "toots") + "/*.parquet")}, union_by_name = true)`);
    } else {
      await connection.run(tootTableDdl("raw_toots", true));
      if (demo) await loadDemo(connection, options.demo || {});
    }
    if (hasToots && listParts(options.root, "deletes").length > 0) {
      await connection.run(`CREATE TEMP VIEW deletes AS SELECT * FROM read_parquet(${sqlString(tableDir(options.root, "deletes") + "/*.parquet")}, union_by_name = true)`);
    } else {
      await connection.run(DELETES_DDL("deletes"));
    }
    await connection.run(`CREATE TEMP VIEW toots AS ${dedupedTootsSql("raw_toots", "deletes")}`);
    // All copies and versions of a toot share its created_at, so filtering by time before the
    // dedup gives the same rows as after it, and lets DuckDB skip row groups outside the window.
    await connection.run(`CREATE TEMP MACRO toots_between(lo, hi) AS TABLE
      ${dedupedTootsSql("(SELECT * FROM raw_toots WHERE created_at >= lo AND created_at < hi)", "deletes")}`);
    return new EmbeddedEngine(connection, db.close, demo);
  } catch (error) {
    db.close();
    throw new EngineError("embedded", `cannot open store at ${options.root}: ${(error as Error).message}`, {cause: error});
  }
}

async function loadDemo(connection: DuckDBConnection, demo: Partial<DemoOptions>): Promise<void> {
  const appender = await connection.createAppender("raw_toots");
  try {
    for (const toot of demoToots(demo)) appendToot(appender, toot);
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

// A compaction may remove a part between DuckDB listing and opening it; the merged file is
// already in place, so the query is simply run again.
const VANISHED = /No such file|No files found|cannot open file|does not exist/i;

class EmbeddedEngine implements Engine {
  readonly name = "embedded";
  constructor(private readonly connection: DuckDBConnection, private readonly closeDb: () => void, readonly demo: boolean) {}

  async query<T>(sql: Sql): Promise<T[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await readRows<T>(this.connection, sql.text, sql.params);
      } catch (error) {
        const message = (error as Error).message;
        if (attempt < 4 && VANISHED.test(message)) continue;
        throw new EngineError("embedded", message, {cause: error});
      }
    }
  }

  async close(): Promise<void> {
    this.closeDb();
  }
}
