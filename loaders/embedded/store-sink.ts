import {renameSync, rmSync} from "node:fs";
import {join} from "node:path";
import type {DuckDBConnection} from "@duckdb/node-api";
import type {Deletion, Sink, SinkEvent} from "../../listener/sink.ts";
import type {Toot} from "../../listener/record/schema.ts";
import {appendToot, tootTableDdl} from "./columns.ts";
import {compactStore} from "./compact.ts";
import {DELETES_DDL} from "./deletes.ts";
import {openDuckDB} from "./duckdb.ts";
import {ensureLayout, partName, sqlString, tableDir, tmpPath, type Table} from "./layout.ts";
import {removeStaleTemporaries} from "./temporaries.ts";

export interface StoreSinkOptions {
  /** The store's folder (see layout.ts). */
  root: string;
  /** How often buffered events become a Parquet part: the most a killed writer can lose. */
  flushIntervalMs?: number;
  /** Flush early when this many events are waiting, so memory stays bounded under bursts. */
  maxBuffered?: number;
  /** Compact after this many flushes (0: never from the writer). */
  compactEveryFlushes?: number;
  /** Errors of background flushes (the listener shows them on its status line). */
  onError?: (error: Error) => void;
}

/**
 * The embedded store's writer. Events are buffered and written as immutable Parquet parts
 * (temporary file, then rename), so readers in other processes never take a lock and never see
 * a half-written file. A failed flush keeps its events for the next attempt.
 */
export class StoreSink implements Sink {
  private toots: Toot[] = [];
  private deletes: Deletion[] = [];
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private flushes = 0;
  private closed = false;

  private constructor(
    private readonly db: {connection: DuckDBConnection; close(): void},
    private readonly options: Required<StoreSinkOptions>
  ) {
    this.timer = setInterval(() => void this.flush().catch(options.onError), options.flushIntervalMs);
    this.timer.unref();
  }

  static async open(options: StoreSinkOptions): Promise<StoreSink> {
    ensureLayout(options.root);
    removeStaleTemporaries(options.root);
    const db = await openDuckDB();
    await db.connection.run(tootTableDdl("buffer_toots", true));
    await db.connection.run(DELETES_DDL("buffer_deletes"));
    return new StoreSink(db, {
      flushIntervalMs: 500,
      maxBuffered: 50_000,
      compactEveryFlushes: 200,
      onError: (error) => console.error(error.message),
      ...options
    });
  }

  get buffered(): number {
    return this.toots.length + this.deletes.length;
  }

  write(event: SinkEvent): void {
    if (this.closed) throw new Error("store sink is closed");
    if (event.kind === "delete") this.deletes.push(event.deletion);
    else this.toots.push(event.toot);
    if (this.buffered >= this.options.maxBuffered) void this.flush().catch(this.options.onError);
  }

  /** Writes what is buffered; resolves when it is on disk. Flushes run one at a time. */
  flush(): Promise<void> {
    const run = this.chain.then(() => this.flushNow());
    this.chain = run.catch(() => {});
    return run;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    clearInterval(this.timer);
    await this.flush();
    this.closed = true;
    await this.chain;
    this.db.close();
  }

  private async flushNow(): Promise<void> {
    let toots = this.toots;
    let deletes = this.deletes;
    const wrote = toots.length + deletes.length;
    this.toots = [];
    this.deletes = [];
    try {
      if (toots.length) await this.writePart("toots", "buffer_toots", (a) => toots.forEach((t) => appendToot(a, t)));
      toots = [];
      if (deletes.length) await this.writePart("deletes", "buffer_deletes", (a) => deletes.forEach((d) => appendDeletion(a, d)));
      deletes = [];
    } catch (error) {
      // Keep what was not written, in order, ahead of what arrived meanwhile: nothing collected is lost.
      this.toots = toots.concat(this.toots);
      this.deletes = deletes.concat(this.deletes);
      throw new Error(`store flush to ${this.options.root} failed: ${(error as Error).message}`, {cause: error});
    }
    const {compactEveryFlushes} = this.options;
    if (wrote > 0 && compactEveryFlushes > 0 && ++this.flushes % compactEveryFlushes === 0) {
      await compactStore(this.options.root, {connection: this.db.connection}).catch(this.options.onError);
    }
  }

  private async writePart(table: Table, buffer: string, fill: (appender: Appender) => void): Promise<void> {
    const {connection} = this.db;
    const appender = await connection.createAppender(buffer);
    try {
      fill(appender);
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
    const path = join(tableDir(this.options.root, table), partName("p"));
    try {
      await connection.run(`COPY ${buffer} TO ${sqlString(tmpPath(path))} (FORMAT parquet, COMPRESSION zstd)`);
      renameSync(tmpPath(path), path);
    } finally {
      await connection.run(`DELETE FROM ${buffer}`);
      rmSync(tmpPath(path), {force: true});
    }
  }
}

type Appender = Awaited<ReturnType<DuckDBConnection["createAppender"]>>;

function appendDeletion(appender: Appender, d: Deletion): void {
  appender.appendVarchar(d.source_server);
  appender.appendVarchar(d.id);
  if (d.uri === null) appender.appendNull();
  else appender.appendVarchar(d.uri);
  appender.appendBigInt(BigInt(d.deleted_at));
  appender.endRow();
}
