/**
 * Reading Confluent-framed Avro back into records. The schema id in each header picks the writer
 * schema: the project schema's own id (localSchemaId) needs no lookup; other ids are fetched from
 * the registry when one is configured and read through an Avro resolver, so messages written with
 * an older or newer compatible schema still become today's Toot. Without a registry an unknown id
 * is read as the project schema (a mismatch then fails to decode and counts as a bad message).
 */
import avro from "avsc";
import {Backoff, sleep} from "../backoff.ts";
import {ListenerError} from "../errors.ts";
import type {Toot} from "../record/schema.ts";
import type {Deletion} from "../sink.ts";
import {describe, isRetriable} from "./kafka-client.ts";
import type {SchemaRegistryClient} from "./registry.ts";
import {localSchemaId, typeOf, unframe, type RecordKind} from "./wire.ts";

interface Reader {
  type: avro.Type;
  resolver?: avro.Resolver;
}

export class Decoder {
  /** `${kind}:${id}` → how to read it, or why it cannot be read (so a bad id is looked up once). */
  private readonly readers = new Map<string, Reader | ListenerError>();

  constructor(private readonly registry?: SchemaRegistryClient) {}

  /** Non-retriable ListenerError: a bad message (skip it). Retriable: the registry is unreachable (try again later). */
  async decode(kind: "toot", value: Buffer | null): Promise<Toot>;
  async decode(kind: "deletion", value: Buffer | null): Promise<Deletion>;
  async decode(kind: RecordKind, value: Buffer | null): Promise<Toot | Deletion> {
    const {schemaId, body} = unframe(value);
    const reader = await this.reader(kind, schemaId);
    try {
      // Plain objects, not avsc's record instances: callers compare and spread them freely.
      return {...(reader.type.fromBuffer(body, reader.resolver) as object)} as Toot | Deletion;
    } catch (error) {
      throw new ListenerError(`not a ${kind} record under schema id ${schemaId}: ${describe(error)}`, false, {cause: error});
    }
  }

  private async reader(kind: RecordKind, id: number): Promise<Reader> {
    const key = `${kind}:${id}`;
    let reader = this.readers.get(key);
    if (!reader) {
      reader = await this.resolve(kind, id).catch((error: unknown) => {
        if (isRetriable(error)) throw error; // not cached: the registry may answer next time
        return error instanceof ListenerError ? error : new ListenerError(describe(error), false, {cause: error});
      });
      this.readers.set(key, reader);
    }
    if (reader instanceof ListenerError) throw reader;
    return reader;
  }

  private async resolve(kind: RecordKind, id: number): Promise<Reader | ListenerError> {
    const project = typeOf(kind);
    if (id === localSchemaId(project) || !this.registry) return {type: project};
    const text = await this.fetch(id);
    let writer: avro.Type;
    try {
      writer = avro.Type.forSchema(JSON.parse(text) as avro.Schema);
    } catch (error) {
      return new ListenerError(`schema id ${id} from the registry is not valid Avro: ${describe(error)}`, false);
    }
    if (writer.fingerprint("sha256").equals(project.fingerprint("sha256"))) return {type: project};
    try {
      return {type: project, resolver: project.createResolver(writer)};
    } catch (error) {
      return new ListenerError(`schema id ${id} cannot be read as the project's ${kind} record: ${describe(error)}`, false);
    }
  }

  /** The registry lookup, retried a few times with backoff before the caller gives up on the batch. */
  private async fetch(id: number): Promise<string> {
    const backoff = new Backoff({baseMs: 200, maxMs: 5_000});
    for (;;) {
      try {
        return await this.registry!.schema(id);
      } catch (error) {
        if (!isRetriable(error) || backoff.attempts >= 4) throw error;
        await sleep(backoff.next());
      }
    }
  }
}
