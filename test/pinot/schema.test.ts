// pinot/schema.json and pinot/table.json against the one record definition
// (listener/record/schema.ts). No running Pinot needed.
import { test, expect } from "vitest";
import { tootSchema } from "../../listener/record/schema.ts";
import { PINOT_NULL_TEXT } from "../../loaders/pinot/nulls.ts";
import { CONFLUENT_HEADER_FIELD, decoderAvroSchema, readPinotSchema, readTableTemplate, tableConfig } from "../../pinot/setup.ts";

type FieldSpec = { name: string; dataType: string; singleValueField?: boolean; format?: string; granularity?: string };
type PinotSchema = {
  schemaName: string;
  primaryKeyColumns: string[];
  enableColumnBasedNullHandling?: boolean;
  dimensionFieldSpecs: FieldSpec[];
  metricFieldSpecs: FieldSpec[];
  dateTimeFieldSpecs: FieldSpec[];
};

const schema = readPinotSchema() as unknown as PinotSchema;
const table = readTableTemplate();
const index = table.tableIndexConfig as Record<string, unknown>;
const stream = table.tableIndexConfig.streamConfigs;
const specs = [...schema.dimensionFieldSpecs, ...schema.metricFieldSpecs, ...schema.dateTimeFieldSpecs];
const spec = (name: string) => specs.find((s) => s.name === name);

/** Avro field type → what Pinot must store it as. Booleans are Pinot BOOLEAN (0.8+, stored as INT). */
const PINOT_TYPE: Record<string, string> = { string: "STRING", long: "LONG", int: "INT", boolean: "BOOLEAN" };

function avroShape(type: unknown): { base: string; nullable: boolean; multi: boolean } {
  if (Array.isArray(type)) {
    const rest = type.filter((t) => t !== "null");
    expect(rest).toHaveLength(1); // only ["null", X] unions in the record
    return { ...avroShape(rest[0]), nullable: type.includes("null") };
  }
  if (typeof type === "object" && type !== null && (type as { type: string }).type === "array") {
    return { base: String((type as { items: unknown }).items), nullable: false, multi: true };
  }
  return { base: String(type), nullable: false, multi: false };
}

test("schema.json has exactly the Avro record's fields", () => {
  expect(schema.schemaName).toBe("mastodon");
  expect(specs.map((s) => s.name).sort()).toEqual(tootSchema.fields.map((f) => f.name).sort());
  expect(new Set(specs.map((s) => s.name)).size).toBe(specs.length); // no field in two sections
});

test("each Pinot column has the type of its Avro field", () => {
  for (const field of tootSchema.fields) {
    const { base, multi } = avroShape(field.type);
    const s = spec(field.name)!;
    expect(s.dataType, field.name).toBe(PINOT_TYPE[base]);
    expect(s.singleValueField ?? true, `${field.name} single-valued`).toBe(!multi);
  }
});

test("columns sit in the expected sections", () => {
  const names = (list: FieldSpec[]) => list.map((s) => s.name).sort();
  expect(names(schema.dateTimeFieldSpecs)).toEqual(["created_at", "received_at"]);
  for (const s of schema.dateTimeFieldSpecs) {
    expect(s).toMatchObject({ dataType: "LONG", format: "1:MILLISECONDS:EPOCH", granularity: "1:MILLISECONDS" });
  }
  expect(names(schema.metricFieldSpecs)).toEqual(
    ["characters", "favourites_count", "followers_count", "media_count", "mentions_count", "reblogs_count", "replies_count", "words"],
  );
  expect(spec("tags")).toMatchObject({ dataType: "STRING", singleValueField: false });
  expect(schema.primaryKeyColumns).toEqual(["uri"]);
});

test("nullable Avro fields are exactly the ones null handling has to cover", () => {
  const nullable = tootSchema.fields.filter((f) => avroShape(f.type).nullable).map((f) => f.name).sort();
  expect(nullable).toEqual(["account_created_at", "app", "edited_at", "text", "url"]);
  // Withheld text is stored as a value the loaders recognise (loaders/pinot/nulls.ts).
  expect(spec("text")).toMatchObject({ dataType: "STRING", defaultNullValue: PINOT_NULL_TEXT });
  // Pinot 1.1+ reads the schema flag; 0.11 (the local stack) the table flag.
  expect(schema.enableColumnBasedNullHandling).toBe(true);
  expect(index.nullHandlingEnabled).toBe(true);
});

test("table.json: realtime, time column, dedup on uri, indexes", () => {
  expect(table).toMatchObject({
    tableName: "mastodon",
    tableType: "REALTIME",
    segmentsConfig: { schemaName: "mastodon", timeColumnName: "created_at", timeType: "MILLISECONDS" },
    routing: { instanceSelectorType: "strictReplicaGroup" }, // dedup requires it
    dedupConfig: { dedupEnabled: true, hashFunction: "NONE" },
  });
  expect([...(index.invertedIndexColumns as string[])].sort()).toEqual(
    ["app", "bot", "language", "origin_server", "source_server", "visibility"],
  );
  expect(index.rangeIndexColumns).toEqual(["created_at"]);
  for (const c of [...(index.invertedIndexColumns as string[]), ...(index.rangeIndexColumns as string[])]) {
    expect(spec(c), `indexed column ${c} exists`).toBeDefined();
  }
});

test("table.json: Kafka stream with the Avro decoder", () => {
  expect(stream).toMatchObject({
    streamType: "kafka",
    "stream.kafka.consumer.type": "lowlevel", // dedup requires the low-level consumer
    "stream.kafka.topic.name": "mastodon-topic",
    "stream.kafka.broker.list": "localhost:9092",
    "stream.kafka.consumer.factory.class.name": "org.apache.pinot.plugin.stream.kafka20.KafkaConsumerFactory",
    "stream.kafka.decoder.class.name": "org.apache.pinot.plugin.inputformat.avro.SimpleAvroMessageDecoder",
    "stream.kafka.consumer.prop.auto.offset.reset": "smallest",
  });
  // The header is skipped by the decoder schema, so stripping bytes too would eat the record.
  expect(stream["stream.kafka.decoder.prop.leading.bytes.to.strip"]).toBeUndefined();
  expect(stream["stream.kafka.decoder.prop.schema"]).toMatch(/^GENERATED/);
});

test("setup fills in the decoder schema from the record, behind the 5-byte Confluent header", () => {
  const filled = tableConfig({ kafkaBrokers: "k1:9092,k2:9092", topic: "t" }).tableIndexConfig.streamConfigs;
  expect(filled["stream.kafka.broker.list"]).toBe("k1:9092,k2:9092");
  expect(filled["stream.kafka.topic.name"]).toBe("t");
  const avro = JSON.parse(filled["stream.kafka.decoder.prop.schema"]!) as { name: string; fields: { name: string }[] };
  expect(avro).toEqual(decoderAvroSchema());
  expect(avro.name).toBe(tootSchema.name);
  expect(avro.fields[0]).toEqual(CONFLUENT_HEADER_FIELD);
  expect(CONFLUENT_HEADER_FIELD.type).toMatchObject({ type: "fixed", size: 5 });
  expect(avro.fields.slice(1)).toEqual(tootSchema.fields);
  expect(spec(CONFLUENT_HEADER_FIELD.name)).toBeUndefined(); // never becomes a column
});
