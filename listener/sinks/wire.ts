/**
 * What goes over Kafka: the Confluent wire format (magic byte 0, 4-byte big-endian schema id,
 * Avro binary body) around the project's toot record, and a small deletion record for the
 * companion topic. The toot schema is listener/record/schema.ts; nothing here redefines it.
 */
import avro from "avsc";
import {tootSchema} from "../record/schema.ts";
import {ListenerError} from "../errors.ts";

/** Deletions go to `<topic>-deletes`: Pinot ingests the main topic only, and its decoder takes one schema. */
export const deletionSchema = {
  type: "record",
  name: "Deletion",
  namespace: "observatory.mastodon",
  doc: "A status deleted on the server the listener follows",
  fields: [
    {name: "source_server", type: "string", doc: "Host of the server that reported the deletion"},
    {name: "id", type: "string", doc: "Status id on that server"},
    {name: "uri", type: ["null", "string"], default: null, doc: "ActivityPub URI when the listener knew it"},
    {name: "deleted_at", type: "long", doc: "When the listener saw the deletion, epoch milliseconds"}
  ]
} as const;

export const tootType = avro.Type.forSchema(tootSchema as unknown as avro.Schema);
export const deletionType = avro.Type.forSchema(deletionSchema as unknown as avro.Schema);

export type RecordKind = "toot" | "deletion";
export const typeOf = (kind: RecordKind): avro.Type => (kind === "toot" ? tootType : deletionType);

export const deletesTopic = (topic: string): string => `${topic}-deletes`;
/** Confluent's default TopicNameStrategy: the value schema of topic T lives under subject "T-value". */
export const valueSubject = (topic: string): string => `${topic}-value`;

/**
 * The schema id written when no registry is configured: the first 4 bytes of the SHA-256 of the
 * schema's Avro Parsing Canonical Form, top bit cleared. Deterministic (every listener agrees
 * without coordination), different for every schema version (a reader can tell versions apart),
 * and far above the small sequential ids a registry hands out.
 */
export function localSchemaId(type: avro.Type): number {
  return type.fingerprint("sha256").readUInt32BE(0) & 0x7fffffff;
}

/** Short schema fingerprint, stored with spilled messages so a replay never mixes schema versions. */
export function schemaFingerprint(type: avro.Type): string {
  return type.fingerprint("sha256").toString("hex").slice(0, 16);
}

export const HEADER_BYTES = 5;
const MAGIC = 0;

export function frame(schemaId: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES + body.length);
  out.writeUInt8(MAGIC, 0);
  out.writeInt32BE(schemaId, 1);
  body.copy(out, HEADER_BYTES);
  return out;
}

/** Splits a Confluent-framed value; a value that is not one is a non-retriable ListenerError. */
export function unframe(value: Buffer | null): {schemaId: number; body: Buffer} {
  if (!value) throw new ListenerError("empty value (tombstone)", false);
  if (value.length < HEADER_BYTES) throw new ListenerError(`value of ${value.length} bytes is shorter than the 5-byte Confluent header`, false);
  if (value[0] !== MAGIC) throw new ListenerError(`magic byte ${value[0]} is not 0: not Confluent wire format`, false);
  return {schemaId: value.readInt32BE(1), body: value.subarray(HEADER_BYTES)};
}
