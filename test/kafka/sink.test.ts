// The Kafka sink against the real local broker: records round-trip through Avro unchanged, keys are
// uris, the Confluent header carries the right schema id with and without a registry, deletions and
// edits land where listener/sinks/README.md says, and a sink without a reachable broker buffers instead of throwing.
import {mkdtempSync, readdirSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, describe, expect, test} from "vitest";
import {demoToots} from "../../listener/demo/generator.ts";
import {tootSchema} from "../../listener/record/schema.ts";
import {openKafkaSink} from "../../listener/sinks/kafka.ts";
import {deletesTopic, deletionSchema, deletionType, localSchemaId, tootType, unframe} from "../../listener/sinks/wire.ts";
import {startRegistry} from "../../stack/schema-registry.ts";
import {makeToot} from "../fixtures/toots.ts";
import {brokers, deleteTopics, duplicates, readTopic, requireBroker, uniqueTopic, withAdmin} from "./helpers.ts";

const topics: string[] = [];
const tmp = mkdtempSync(join(tmpdir(), "kafka-sink-test-"));
const topic = (prefix: string) => {
  const t = uniqueTopic(prefix);
  topics.push(t, deletesTopic(t));
  return t;
};

afterAll(async () => {
  await deleteTopics(...topics);
  rmSync(tmp, {recursive: true, force: true});
});

describe("Kafka sink", () => {
  test("N demo records: decoded equal to the originals, keyed by uri, Confluent header with the local schema id", async () => {
    await requireBroker();
    const n = 5000;
    const originals = [...demoToots({toots: n, seed: 11})];
    const t = topic("sink-roundtrip");
    const errors: Error[] = [];
    const sink = await openKafkaSink({brokers, topic: t, partitions: 3, spillDir: join(tmp, "a"), onError: (e) => errors.push(e)});
    for (const toot of originals) sink.write({kind: "toot", toot});
    await sink.flush();
    expect(sink.stats()).toMatchObject({connected: true, buffered: 0, spilled: 0, sent: originals.length, errors: 0, rejected: 0});
    await sink.close();
    expect(errors).toEqual([]);

    const read = await readTopic(t);
    expect(read).toHaveLength(originals.length);
    const byUri = new Map(originals.map((o) => [o.uri, o]));
    const partitionOf = new Map<string, number>();
    for (const m of read) {
      const {schemaId, body} = unframe(m.value);
      expect(m.value![0]).toBe(0); // magic byte
      expect(schemaId).toBe(localSchemaId(tootType));
      const toot = {...tootType.fromBuffer(body)};
      expect(m.key).toBe(toot.uri);
      expect(toot).toEqual(byUri.get(toot.uri));
      partitionOf.set(m.key!, m.partition);
    }
    expect(duplicates(read.map((m) => m.key))).toEqual({distinct: originals.length, duplicates: 0});
    expect(new Set(partitionOf.values()).size).toBe(3); // keys spread over all partitions
    // The documented rule for the id without a registry: SHA-256 of the canonical form, top bit cleared.
    expect(localSchemaId(tootType)).toBe(tootType.fingerprint("sha256").readUInt32BE(0) & 0x7fffffff);
    const [meta] = (await withAdmin((a) => a.fetchTopicMetadata({topics: [t, deletesTopic(t)]}))).topics;
    expect(meta?.partitions).toHaveLength(3);
  });

  test("edits go to the main topic keyed by uri with edited_at; deletions to <topic>-deletes with their own schema", async () => {
    await requireBroker();
    const t = topic("sink-events");
    const toot = makeToot({uri: "https://example.social/users/a/statuses/1", id: "1"});
    const edit = {...toot, text: "hello again", edited_at: toot.created_at + 5000};
    const byUri = {source_server: "mastodon.social", id: "1", uri: toot.uri, deleted_at: toot.created_at + 9000};
    const byId = {source_server: "mastodon.social", id: "2", uri: null, deleted_at: toot.created_at + 9500};
    const sink = await openKafkaSink({brokers, topic: t, partitions: 2, spillDir: join(tmp, "b")});
    sink.write({kind: "toot", toot});
    sink.write({kind: "edit", toot: edit});
    sink.write({kind: "delete", deletion: byUri});
    sink.write({kind: "delete", deletion: byId});
    await sink.close();

    const main = await readTopic(t);
    expect(main.map((m) => m.key)).toEqual([toot.uri, toot.uri]);
    expect(main[0]!.partition).toBe(main[1]!.partition); // all copies of a toot in one partition
    expect(main.map((m) => ({...tootType.fromBuffer(unframe(m.value).body)}))).toEqual([toot, edit]);

    const deletes = await readTopic(deletesTopic(t));
    expect(deletes.map((m) => unframe(m.value).schemaId)).toEqual([localSchemaId(deletionType), localSchemaId(deletionType)]);
    expect(deletes.map((m) => ({...deletionType.fromBuffer(unframe(m.value).body)}))).toEqual([byUri, byId]);
    expect(deletes.map((m) => m.key)).toEqual([toot.uri, "mastodon.social/2"]);
  });

  test("with a schema registry: subjects <topic>-value and <topic>-deletes-value, their ids in the header, GET /schemas/ids/:id is our schema", async () => {
    await requireBroker();
    const registry = await startRegistry({port: 0, file: join(tmp, "registry.json")});
    try {
      const t = topic("sink-registry");
      const sink = await openKafkaSink({brokers, topic: t, schemaRegistry: registry.url, spillDir: join(tmp, "c")});
      const toots = [...demoToots({toots: 50, seed: 5})];
      for (const toot of toots) sink.write({kind: "toot", toot});
      sink.write({kind: "delete", deletion: {source_server: "a.b", id: "9", uri: null, deleted_at: 1}});
      const ids = sink.stats().schemaIds!;
      await sink.close();

      const subjects = (await (await fetch(`${registry.url}/subjects`)).json()) as string[];
      expect(subjects.sort()).toEqual([`${t}-deletes-value`, `${t}-value`]);
      const latest = (await (await fetch(`${registry.url}/subjects/${t}-value/versions/latest`)).json()) as {id: number};
      expect(latest.id).toBe(ids.toot);
      const schema = (await (await fetch(`${registry.url}/schemas/ids/${ids.toot}`)).json()) as {schema: string};
      expect(JSON.parse(schema.schema)).toEqual(JSON.parse(JSON.stringify(tootSchema)));
      const deletion = (await (await fetch(`${registry.url}/schemas/ids/${ids.deletion}`)).json()) as {schema: string};
      expect(JSON.parse(deletion.schema)).toEqual(JSON.parse(JSON.stringify(deletionSchema)));

      const read = await readTopic(t);
      expect(read).toHaveLength(toots.length);
      for (const m of read) {
        expect(m.value!.subarray(0, 5)).toEqual(Buffer.from([0, ...int32(ids.toot)]));
        expect(m.key).toBe(tootType.fromBuffer(unframe(m.value).body).uri);
      }
      expect((await readTopic(deletesTopic(t))).map((m) => unframe(m.value).schemaId)).toEqual([ids.deletion]);
    } finally {
      await registry.close();
    }
  });

  test("a registry that refuses the schema fails open() with its reason (retrying cannot fix that)", async () => {
    await requireBroker();
    const registry = await startRegistry({port: 0, file: join(tmp, "refusing.json")});
    try {
      const t = topic("sink-refused");
      const other = {type: "record", name: "Toot", namespace: "observatory.mastodon", fields: [{name: "only", type: "string"}]};
      await fetch(`${registry.url}/subjects/${t}-value/versions`, {method: "POST", body: JSON.stringify({schema: JSON.stringify(other)})});
      await expect(openKafkaSink({brokers, topic: t, schemaRegistry: registry.url, spillDir: join(tmp, "e"), onError: () => {}}))
        .rejects.toThrow(/HTTP 409.*incompatible/);
    } finally {
      await registry.close();
    }
  });

  test("no reachable broker: open resolves, writes never throw, flush spills to disk; a later sink delivers the spill", async () => {
    await requireBroker();
    const t = topic("sink-spill");
    const spillDir = join(tmp, "d");
    const errors: Error[] = [];
    const down = await openKafkaSink({brokers: ["127.0.0.1:1"], topic: t, spillDir, onError: (e) => errors.push(e), closeTimeoutMs: 0});
    const toots = [...demoToots({toots: 300, seed: 9})];
    for (const toot of toots) down.write({kind: "toot", toot});
    expect(() => down.write({kind: "toot", toot: {uri: 42} as never})).not.toThrow(); // unencodable: rejected, reported
    await down.flush(); // Kafka unreachable: resolves once the events are fsynced to the spill
    expect(down.stats()).toMatchObject({connected: false, buffered: 0, spilled: toots.length, sent: 0, rejected: 1});
    expect(down.stats().errors).toBeGreaterThan(0);
    expect(errors.some((e) => /ECONNREFUSED|Connection/i.test(e.message))).toBe(true);
    expect(errors.some((e) => /cannot encode toot/.test(e.message))).toBe(true);
    await down.close();
    expect(readdirSync(spillDir).some((f) => f.endsWith(".ndjson"))).toBe(true);

    const up = await openKafkaSink({brokers, topic: t, spillDir});
    expect(up.stats().spilled).toBe(toots.length);
    await up.flush();
    await up.close();
    expect(up.stats()).toMatchObject({spilled: 0, sent: toots.length});
    expect(readdirSync(spillDir).filter((f) => f.endsWith(".ndjson"))).toEqual([]);
    const read = await readTopic(t);
    expect(read.map((m) => m.key).sort()).toEqual(toots.map((x) => x.uri).sort());
  });

  test("options are checked at the boundary", async () => {
    await expect(openKafkaSink({brokers: [], topic: "x"})).rejects.toThrow("invalid brokers: []");
    await expect(openKafkaSink({brokers, topic: "bad topic"})).rejects.toThrow('invalid topic: "bad topic"');
    await expect(openKafkaSink({brokers, topic: "x", partitions: 0})).rejects.toThrow("invalid partitions: 0");
    await expect(openKafkaSink({brokers, topic: "x", retentionMs: 1.5})).rejects.toThrow("invalid retentionMs: 1.5");
    await expect(openKafkaSink({brokers, topic: "x", schemaRegistry: "nope"})).rejects.toThrow("invalid schema registry URL: nope");
  });
});

function int32(n: number): number[] {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return [...b];
}
