// tsx pinot/setup.ts [--controller URL] [--broker URL] [--kafka BROKERS] [--topic NAME] [--timeout SECONDS]
//
// Creates or updates (idempotently) the Pinot schema and the REALTIME table
// `mastodon` through the controller REST API, then waits until the broker can
// query it. Env fallbacks: PINOT_CONTROLLER_URL, PINOT_BROKER_URL, KAFKA_BROKERS,
// KAFKA_TOPIC.
//
// The record is defined once, in listener/record/schema.ts: pinot/table.json
// carries a placeholder for the decoder's inline Avro schema and this script
// fills it in from tootSchema on every run (test/pinot-schema.test.ts checks
// pinot/schema.json against the same record).
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { Kafka, logLevel } from "kafkajs";
import { tootSchema } from "../listener/record/schema.ts";

export const TABLE = "mastodon";
export const DEFAULT_TOPIC = "mastodon-topic";
const HERE = dirname(fileURLToPath(import.meta.url));
const SCHEMA_KEY = "stream.kafka.decoder.prop.schema";
const BROKERS_KEY = "stream.kafka.broker.list";
const TOPIC_KEY = "stream.kafka.topic.name";

/**
 * The producer writes Confluent wire format: magic byte 0, a 4-byte schema id,
 * then the Avro body. Pinot 0.11's SimpleAvroMessageDecoder has no
 * `leading.bytes.to.strip` (newer Pinot has), so the decoder reads those 5 bytes
 * as a leading `fixed` field that no Pinot column asks for. Avro encodes a
 * fixed(5) as exactly 5 raw bytes, so this works on every Pinot version.
 */
export const CONFLUENT_HEADER_FIELD = {
  name: "confluent_header",
  type: { type: "fixed", name: "ConfluentHeader", size: 5 },
  doc: "Confluent wire header (magic 0 + schema id), read and ignored by Pinot's decoder",
} as const;

/** The Avro schema Pinot decodes Kafka messages with: the toot record behind the 5-byte header. */
export function decoderAvroSchema(): object {
  if (tootSchema.fields.some((f) => (f.name as string) === CONFLUENT_HEADER_FIELD.name)) {
    throw new Error(`the toot record has a field named ${CONFLUENT_HEADER_FIELD.name}; rename CONFLUENT_HEADER_FIELD`);
  }
  return { ...tootSchema, fields: [CONFLUENT_HEADER_FIELD, ...tootSchema.fields] };
}

type Json = Record<string, unknown>;
type TableConfig = Json & { tableIndexConfig: Json & { streamConfigs: Record<string, string> } };

export function readPinotSchema(): Json {
  return JSON.parse(readFileSync(join(HERE, "schema.json"), "utf8")) as Json;
}

export function readTableTemplate(): TableConfig {
  return JSON.parse(readFileSync(join(HERE, "table.json"), "utf8")) as TableConfig;
}

/** pinot/table.json with the generated decoder schema, and the Kafka brokers/topic to use. */
export function tableConfig(opts: { kafkaBrokers: string; topic: string }): TableConfig {
  const table = readTableTemplate();
  const stream = table.tableIndexConfig.streamConfigs;
  if (!stream[SCHEMA_KEY]?.startsWith("GENERATED")) throw new Error(`pinot/table.json: ${SCHEMA_KEY} should be the GENERATED placeholder`);
  stream[SCHEMA_KEY] = JSON.stringify(decoderAvroSchema());
  stream[BROKERS_KEY] = opts.kafkaBrokers;
  stream[TOPIC_KEY] = opts.topic;
  return table;
}

async function call(method: string, url: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  }).catch((err: Error) => {
    throw new Error(`${method} ${url}: ${err.cause instanceof Error ? err.cause.message : err.message} (is Pinot up? tsx stack/cli.ts up)`);
  });
  const text = await res.text();
  let json: Json;
  try {
    json = JSON.parse(text) as Json;
  } catch {
    json = { text };
  }
  return { status: res.status, json };
}

function ensureOk(what: string, r: { status: number; json: Json }): Json {
  if (r.status < 200 || r.status >= 300) throw new Error(`${what} failed: HTTP ${r.status} ${JSON.stringify(r.json)}`);
  return r.json;
}

/**
 * Pinot 0.11 cannot create a realtime table on a topic that does not exist yet
 * (the controller asks Kafka for its partitions), and Kafka 4 does not auto-create
 * it for that metadata call. Created with the broker's default partition count.
 */
async function ensureTopic(brokers: string, topic: string): Promise<string> {
  const admin = new Kafka({ clientId: "pinot-setup", brokers: brokers.split(","), logLevel: logLevel.NOTHING, retry: { retries: 2 } }).admin();
  try {
    await admin.connect();
    if ((await admin.listTopics()).includes(topic)) return `topic ${topic}: exists`;
    await admin.createTopics({ topics: [{ topic }], waitForLeaders: true });
    return `topic ${topic}: created on ${brokers}`;
  } catch (err) {
    throw new Error(`Kafka at ${brokers}: ${(err as Error).message} (is Kafka up? tsx stack/cli.ts up kafka)`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** COUNT(*) through the broker; undefined (with the reason) while the table is not routable yet. */
export async function countRows(brokerUrl: string): Promise<{ count?: number; error?: string }> {
  const r = await call("POST", `${brokerUrl}/query/sql`, { sql: `SELECT COUNT(*) FROM ${TABLE}` });
  // Pinot answers query errors with HTTP 200 and an `exceptions` array.
  const exceptions = (r.json.exceptions as { message?: string }[] | undefined) ?? [];
  if (r.status !== 200 || exceptions.length > 0) {
    return { error: exceptions[0]?.message?.split("\n")[0] ?? `HTTP ${r.status}` };
  }
  const rows = (r.json.resultTable as { rows?: number[][] } | undefined)?.rows;
  return rows?.[0]?.[0] === undefined ? { error: "no result row" } : { count: rows[0][0] };
}

/** Rows in the table's CONSUMING segments (per the ideal state), counted through the broker. */
async function consumingRows(o: SetupOptions): Promise<number> {
  const ideal = ensureOk("GET idealstate", await call("GET", `${o.controller}/tables/${TABLE}/idealstate?tableType=realtime`));
  const segments = Object.entries((ideal.REALTIME ?? {}) as Record<string, Record<string, string>>)
    .filter(([, replicas]) => Object.values(replicas).includes("CONSUMING"))
    .map(([name]) => `'${name}'`);
  if (segments.length === 0) return 0;
  const r = await call("POST", `${o.broker}/query/sql`, { sql: `SELECT COUNT(*) FROM ${TABLE} WHERE $segmentName IN (${segments.join(",")})` });
  const rows = (r.json.resultTable as { rows?: number[][] } | undefined)?.rows;
  return rows?.[0]?.[0] ?? 0;
}

export interface SetupOptions {
  controller: string;
  broker: string;
  kafka: string;
  topic: string;
  timeoutMs: number;
}

export async function setup(o: SetupOptions, log: (line: string) => void = console.log): Promise<void> {
  const t0 = Date.now();
  log(await ensureTopic(o.kafka, o.topic));

  const schema = readPinotSchema();
  const schemaRes = ensureOk("POST /schemas", await call("POST", `${o.controller}/schemas?override=true`, schema));
  // Pinot 0.11 ignores enableColumnBasedNullHandling (1.1+) and says so here; the
  // table's nullHandlingEnabled covers it there.
  const ignored = schemaRes.unrecognizedProperties ? ` (ignored by this Pinot: ${Object.keys(schemaRes.unrecognizedProperties as Json).join(", ")})` : "";
  log(`schema ${TABLE}: ${String(schemaRes.status ?? "ok")}${ignored}`);

  const table = tableConfig({ kafkaBrokers: o.kafka, topic: o.topic });
  // GET /tables/{name} answers 200 with {} for a missing table, {"REALTIME": {...}} otherwise.
  const existing = ensureOk("GET /tables", await call("GET", `${o.controller}/tables/${TABLE}?type=realtime`));
  const exists = existing.REALTIME !== undefined;
  const tableRes = exists
    ? ensureOk(`PUT /tables/${TABLE}`, await call("PUT", `${o.controller}/tables/${TABLE}`, table))
    : ensureOk("POST /tables", await call("POST", `${o.controller}/tables`, table));
  log(`table ${TABLE}_REALTIME: ${exists ? "updated" : "created"} (${String(tableRes.status ?? "ok")}); ` +
    `Kafka ${o.kafka}, topic ${o.topic}`);
  if (exists) {
    // Loaded segments (the consuming one too) keep their old columns and indexes until
    // reloaded: a column added to the record would otherwise make queries that name it
    // silently skip those segments.
    ensureOk("POST /segments/reload", await call("POST", `${o.controller}/segments/${TABLE}/reload?type=REALTIME`));
    log(`segments of ${TABLE}_REALTIME: reload requested (applies schema and index changes)`);
    // A consuming segment keeps the decoder (and Avro schema) it started with, so a
    // field appended to the record would be dropped until the segment rolls over
    // (up to 1 h). Committing it now makes the next one start with the new config.
    const before = (existing.REALTIME as TableConfig).tableIndexConfig.streamConfigs;
    if (JSON.stringify(before) !== JSON.stringify(table.tableIndexConfig.streamConfigs)) {
      // Pinot 0.11 cannot commit an EMPTY segment of a dedup table (ClassCastException
      // on EmptyIndexSegment leaves it in ERROR and every query then reports it
      // unavailable), so only force a commit when the consuming segment has rows.
      const rows = await consumingRows(o);
      if (rows > 0) {
        ensureOk("POST /forceCommit", await call("POST", `${o.controller}/tables/${TABLE}/forceCommit`));
        log(`stream config changed: consuming segment (${rows} rows) force-committed; the next one uses the new decoder`);
      } else {
        log(`stream config changed: the consuming segment is empty, so it keeps the old decoder until it rolls over ` +
          `(realtime.segment.flush.threshold.*); Pinot 0.11 cannot force-commit an empty dedup segment`);
      }
    }
  }

  const deadline = Date.now() + o.timeoutMs;
  let last: { count?: number; error?: string } = {};
  while (Date.now() < deadline) {
    last = await countRows(o.broker).catch((err: Error) => ({ error: err.message }));
    if (last.count !== undefined) {
      log(`queryable via ${o.broker}: SELECT COUNT(*) FROM ${TABLE} = ${last.count} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      return;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`table ${TABLE} not queryable via ${o.broker} after ${o.timeoutMs} ms; last answer: ${last.error}`);
}

function options(argv: string[]): SetupOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      controller: { type: "string" },
      broker: { type: "string" },
      kafka: { type: "string" },
      topic: { type: "string" },
      timeout: { type: "string" },
    },
  });
  const env = process.env;
  const timeout = Number(values.timeout ?? 120);
  if (!Number.isFinite(timeout) || timeout <= 0) throw new Error(`--timeout must be a positive number of seconds`);
  return {
    controller: (values.controller ?? env.PINOT_CONTROLLER_URL ?? "http://localhost:9000").replace(/\/$/, ""),
    broker: (values.broker ?? env.PINOT_BROKER_URL ?? "http://localhost:8099").replace(/\/$/, ""),
    kafka: values.kafka ?? env.KAFKA_BROKERS ?? "localhost:9092",
    topic: values.topic ?? env.KAFKA_TOPIC ?? DEFAULT_TOPIC,
    timeoutMs: timeout * 1000,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  setup(options(process.argv.slice(2))).catch((err: unknown) => {
    console.error(`pinot setup: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}
