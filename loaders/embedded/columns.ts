import {LIST, VARCHAR, type DuckDBAppender} from "@duckdb/node-api";
import {tootSchema, type Toot} from "../../listener/record/schema.ts";

type AvroFieldType = (typeof tootSchema)["fields"][number]["type"];

/** DuckDB column type of an Avro field type: derived, so the table follows the record. */
export function duckdbType(type: AvroFieldType): string {
  if (Array.isArray(type)) return duckdbType(type.find((t) => t !== "null") as AvroFieldType);
  if (typeof type === "object") return `${duckdbType((type as {items: AvroFieldType}).items)}[]`;
  switch (type) {
    case "string": return "VARCHAR";
    case "long": return "BIGINT";
    case "int": return "INTEGER";
    case "boolean": return "BOOLEAN";
  }
  throw new Error(`invalid avro type: ${JSON.stringify(type)}`);
}

export const tootColumns = tootSchema.fields.map((f) => ({name: f.name, type: duckdbType(f.type as AvroFieldType)}));

/** `CREATE TABLE name (...)` for toot records. */
export function tootTableDdl(name: string, temporary = false): string {
  const columns = tootColumns.map((c) => `"${c.name}" ${c.type}`).join(", ");
  return `CREATE ${temporary ? "TEMP " : ""}TABLE IF NOT EXISTS ${name} (${columns})`;
}

const VARCHAR_LIST = LIST(VARCHAR);

/** Appends one record in schema column order; the appender's table must come from tootTableDdl. */
export function appendToot(appender: DuckDBAppender, toot: Toot): void {
  for (const {name, type} of tootColumns) {
    const value = toot[name as keyof Toot];
    if (value === null || value === undefined) appender.appendNull();
    else if (type === "VARCHAR") appender.appendVarchar(value as string);
    else if (type === "BIGINT") appender.appendBigInt(BigInt(value as number));
    else if (type === "INTEGER") appender.appendInteger(value as number);
    else if (type === "BOOLEAN") appender.appendBoolean(value as boolean);
    else appender.appendList(value as string[], VARCHAR_LIST);
  }
  appender.endRow();
}
