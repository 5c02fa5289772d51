/** A query with named parameters ($name): engines bind them, nobody pastes them into SQL text. */
export interface Sql {
  text: string;
  params?: Record<string, number | string>;
}

/** Where the analysis queries run: the embedded store (DuckDB over Parquet) or a Pinot broker. */
export interface Engine {
  readonly name: "embedded" | "pinot";
  /** True when the store was empty and the engine serves generated demo data instead. */
  readonly demo: boolean;
  query<T>(sql: Sql): Promise<T[]>;
  close(): Promise<void>;
}

/** An engine failed a query; the message carries the engine's own words. */
export class EngineError extends Error {
  override readonly name = "EngineError";
  constructor(engine: string, message: string, options?: {cause?: unknown}) {
    super(`${engine}: ${message}`, options);
  }
}
