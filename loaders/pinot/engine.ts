import {EngineError, type Engine, type Sql} from "../engine.ts";
import {bindPinotParams} from "./params.ts";

export interface PinotOptions {
  /** Broker base URL, e.g. http://localhost:8099. */
  broker: string;
  timeoutMs?: number;
}

interface PinotResponse {
  exceptions?: {errorCode?: number; message?: string}[];
  resultTable?: {dataSchema: {columnNames: string[]; columnDataTypes: string[]}; rows: unknown[][]};
}

/** Queries a Pinot broker (POST /query/sql). Pinot reports query errors with HTTP 200 and an
 * `exceptions` array: those become EngineErrors carrying Pinot's own message. */
export async function openPinot(options: PinotOptions): Promise<Engine> {
  return new PinotEngine(options.broker.replace(/\/$/, ""), options.timeoutMs ?? 30_000);
}

class PinotEngine implements Engine {
  readonly name = "pinot";
  readonly demo = false;
  constructor(private readonly broker: string, private readonly timeoutMs: number) {}

  async query<T>(sql: Sql): Promise<T[]> {
    const text = bindPinotParams(sql);
    let response: Response;
    try {
      response = await fetch(`${this.broker}/query/sql`, {
        method: "POST",
        headers: {"content-type": "application/json"},
        // Null handling gives SQL's null semantics, as DuckDB has them: a withheld text is null,
        // not the string "null" (the table enables it too: pinot/table.json).
        body: JSON.stringify({sql: text, queryOptions: `timeoutMs=${this.timeoutMs};enableNullHandling=true`}),
        signal: AbortSignal.timeout(this.timeoutMs + 5000)
      });
    } catch (error) {
      throw new EngineError("pinot", `broker ${this.broker} unreachable: ${(error as Error).message}`, {cause: error});
    }
    const body = await response.text();
    if (!response.ok) throw new EngineError("pinot", `broker answered HTTP ${response.status}: ${body.slice(0, 500)}`);
    const json = JSON.parse(body) as PinotResponse;
    const errors = (json.exceptions ?? []).filter((e) => e.message);
    if (errors.length) throw new EngineError("pinot", `${errors.map(readable).join("; ")} (query: ${text.replace(/\s+/g, " ").slice(0, 300)})`);
    if (!json.resultTable) return [];
    const {columnNames, columnDataTypes} = json.resultTable.dataSchema;
    return json.resultTable.rows.map((row) => {
      const out: Record<string, unknown> = {};
      columnNames.forEach((name, i) => (out[name] = plain(row[i], columnDataTypes[i]!)));
      return out as T;
    });
  }

  async close(): Promise<void> {}
}

/** Pinot's message without its Java stack trace: "[710] UnknownColumnError: ... Unknown columnName 'x' ...". */
function readable(e: {errorCode?: number; message?: string}): string {
  const lines = (e.message ?? "").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("at "));
  return `[${e.errorCode}] ${lines.slice(0, 2).join(" ").slice(0, 500)}`;
}

/** Pinot sends LONG as JSON numbers, booleans as true/false, and a null placeholder for MV nulls. */
function plain(value: unknown, type: string): unknown {
  if (type === "LONG" || type === "INT" || type === "DOUBLE" || type === "FLOAT") return value === null ? null : Number(value);
  return value;
}
