/**
 * The few calls of the Confluent Schema Registry REST API we need: register a schema under a
 * subject (its id goes into every message header) and fetch a schema by id (to decode). Works
 * with Confluent's registry and with stack/schema-registry.ts. `https://user:secret@host` URLs
 * become Basic auth, as hosted registries require.
 */
import {ListenerError, OptionsError} from "../errors.ts";

const CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

export class SchemaRegistryClient {
  readonly url: string;
  private readonly auth: string | undefined;

  constructor(url: string, private readonly timeoutMs = 10_000) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new OptionsError(`invalid schema registry URL: ${url}`);
    }
    if (!/^https?:$/.test(parsed.protocol)) throw new OptionsError(`invalid schema registry URL: ${url} (expected http or https)`);
    this.auth = parsed.username ? `Basic ${Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString("base64")}` : undefined;
    parsed.username = parsed.password = "";
    this.url = parsed.href.replace(/\/$/, "");
  }

  /** POST /subjects/<subject>/versions: the id of `schema` (the same id again if already registered). */
  async register(subject: string, schema: object): Promise<number> {
    const body = await this.call("POST", `/subjects/${encodeURIComponent(subject)}/versions`, {schema: JSON.stringify(schema)});
    const id = (body as {id?: unknown}).id;
    if (!Number.isInteger(id)) throw new ListenerError(`schema registry ${this.url} answered registration without an id: ${JSON.stringify(body)}`, false);
    return id as number;
  }

  /** GET /schemas/ids/<id>: the schema text. Unknown ids are non-retriable errors. */
  async schema(id: number): Promise<string> {
    const body = await this.call("GET", `/schemas/ids/${id}`);
    const schema = (body as {schema?: unknown}).schema;
    if (typeof schema !== "string") throw new ListenerError(`schema registry ${this.url} returned no schema for id ${id}`, false);
    return schema;
  }

  private async call(method: string, path: string, payload?: unknown): Promise<unknown> {
    const headers: Record<string, string> = {accept: CONTENT_TYPE};
    if (payload !== undefined) headers["content-type"] = CONTENT_TYPE;
    if (this.auth) headers.authorization = this.auth;
    let response: Response;
    try {
      response = await fetch(this.url + path, {
        method,
        headers,
        body: payload === undefined ? undefined : JSON.stringify(payload),
        signal: AbortSignal.timeout(this.timeoutMs)
      });
    } catch (error) {
      const reason = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
      throw new ListenerError(`schema registry ${this.url} unreachable (${method} ${path}): ${reason}`, true, {cause: error});
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = {message: text.slice(0, 200)};
    }
    if (!response.ok) {
      const message = (body as {message?: unknown}).message ?? text.slice(0, 200);
      // 5xx and 429: the registry (or its Kafka store) is having a moment; 4xx: our request is wrong.
      const retriable = response.status >= 500 || response.status === 429 || response.status === 408;
      throw new ListenerError(`schema registry ${method} ${path}: HTTP ${response.status}: ${String(message)}`, retriable);
    }
    return body;
  }
}
