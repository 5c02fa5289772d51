/**
 * The toot record: the one definition every other shape is derived from or tested against.
 * - Avro (avsc) encodes it for Kafka; `Toot` below is computed from it at the type level.
 * - The DuckDB table is generated from it (loaders/embedded/ddl.ts).
 * - pinot/schema.json is checked against it by test/pinot-schema.test.ts.
 * Evolution rule: a new field is appended with a default, so old readers and old data keep working.
 */
export const tootSchema = {
  type: "record",
  name: "Toot",
  namespace: "observatory.mastodon",
  doc: "One public Mastodon status as seen by the listener",
  fields: [
    {name: "uri", type: "string", doc: "ActivityPub URI of the status: the primary key, unique across the fediverse"},
    {name: "id", type: "string", doc: "Status id on the source server (string: ids exceed 2^53)"},
    {name: "url", type: ["null", "string"], default: null},
    {name: "created_at", type: "long", doc: "The toot's own time, epoch milliseconds"},
    {name: "received_at", type: "long", doc: "When the listener saw it, epoch milliseconds"},
    {name: "source_server", type: "string", doc: "Host of the server listened to"},
    {name: "origin_server", type: "string", doc: "Host of the toot's URI"},
    {name: "account_acct", type: "string", doc: "user@origin"},
    {name: "username", type: "string"},
    {name: "bot", type: "boolean"},
    {name: "account_created_at", type: ["null", "long"], default: null},
    {name: "followers_count", type: "long"},
    {name: "language", type: "string", doc: "ISO 639 code; 'unknown' when the server gave none or 'und'"},
    {name: "app", type: ["null", "string"], default: null, doc: "Client application name"},
    {name: "visibility", type: "string"},
    {name: "sensitive", type: "boolean"},
    {name: "has_spoiler", type: "boolean"},
    {name: "is_reply", type: "boolean"},
    {name: "media_count", type: "int"},
    {name: "has_poll", type: "boolean"},
    {name: "tags", type: {type: "array", items: "string"}, doc: "Lower-cased hashtag names"},
    {name: "mentions_count", type: "int"},
    {name: "text", type: ["null", "string"], default: null, doc: "Plain text of the content; null when the author opted out"},
    {name: "characters", type: "int", doc: "Unicode code points of text"},
    {name: "words", type: "int", doc: "Words by Intl.Segmenter word granularity"},
    {name: "favourites_count", type: "long"},
    {name: "reblogs_count", type: "long"},
    {name: "replies_count", type: "long"},
    {name: "edited_at", type: ["null", "long"], default: null, doc: "Time of the latest edit, epoch milliseconds; null if never edited"}
  ]
} as const;

/** The value meaning "language unknown" (Mastodon sends null or 'und'). */
export const UNKNOWN_LANGUAGE = "unknown";

type AvroPrimitive<T> = T extends "string" ? string
  : T extends "long" | "int" | "double" | "float" ? number
  : T extends "boolean" ? boolean
  : T extends "null" ? null
  : T extends {readonly type: "array"; readonly items: infer I} ? AvroPrimitive<I>[]
  : never;
type AvroType<T> = T extends readonly (infer U)[] ? AvroPrimitive<U> : AvroPrimitive<T>;
type Fields = (typeof tootSchema)["fields"][number];

/** A toot record, computed from the Avro schema above so the two cannot drift. */
export type Toot = {-readonly [F in Fields as F["name"]]: AvroType<F["type"]>};
export type TootField = keyof Toot;
export const tootFields: TootField[] = tootSchema.fields.map((f) => f.name);
