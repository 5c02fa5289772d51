import type {Sql} from "../engine.ts";

/**
 * Pinot's SQL endpoint has no bound parameters, so $name placeholders become typed literals here:
 * numbers must be finite, strings are quoted with '' escaping. No other text enters the SQL.
 */
export function bindPinotParams({text, params = {}}: Sql): string {
  return text.replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, name: string) => {
    if (!(name in params)) throw new Error(`missing query parameter: ${name}`);
    const value = params[name];
    if (typeof value === "number") {
      if (!Number.isFinite(value)) throw new Error(`invalid query parameter ${name}: ${value}`);
      return String(value);
    }
    if (typeof value === "string") return `'${value.replaceAll("'", "''")}'`;
    throw new Error(`invalid query parameter ${name}: ${String(value)}`);
  });
}
