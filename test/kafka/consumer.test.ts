// Kafka → embedded store: the same events written to a store directly and through
// sink → Kafka → consumer → store give exactly the same overview; bad messages are counted and
// skipped; offsets are committed once the store has the events.
import {mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, describe, expect, test} from "vitest";
import {startConsumer, type RunningConsumer} from "../../listener/consume.ts";
import {openKafkaSink} from "../../listener/sinks/kafka.ts";
import {deletesTopic, frame, tootType} from "../../listener/sinks/wire.ts";
import type {Engine} from "../../loaders/engine.ts";
import {overview} from "../../loaders/catalogue/overview.ts";
import {openEmbedded} from "../../loaders/embedded/engine.ts";
import {StoreSink} from "../../loaders/embedded/store-sink.ts";
import {startRegistry} from "../../stack/schema-registry.ts";
import {brokers, deleteTopics, demoEvents, kafka, requireBroker, uniqueTopic, until, withAdmin} from "./helpers.ts";

const tmp = mkdtempSync(join(tmpdir(), "kafka-consumer-test-"));
const topics: string[] = [];
afterAll(async () => {
  await deleteTopics(...topics);
  rmSync(tmp, {recursive: true, force: true});
});

async function withEngine<T>(root: string, fn: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = await openEmbedded({root, demo: false});
  try {
    return await fn(engine);
  } finally {
    await engine.close();
  }
}

/** What the pages show, plus what the overview cannot see: deleted texts and edits. */
async function summary(root: string) {
  return withEngine(root, async (engine) => ({
    overview: await overview(engine, {hours: 24}),
    extra: await engine.query({text: `SELECT count(*) AS toots, count(*) FILTER (WHERE text IS NULL) AS no_text,
      count(*) FILTER (WHERE edited_at IS NOT NULL) AS edited FROM toots`})
  }));
}

describe("Kafka consumer into the embedded store", () => {
  test("the overview from sink → Kafka → consumer equals the overview from writing the store directly", async () => {
    await requireBroker();
    const {toots, events} = demoEvents(20_000);
    const topic = uniqueTopic("consume");
    topics.push(topic, deletesTopic(topic));
    const registry = await startRegistry({port: 0, file: join(tmp, "registry.json")});
    let consumer: RunningConsumer | undefined;
    try {
      // Directly.
      const direct = join(tmp, "direct");
      const store = await StoreSink.open({root: direct});
      for (const e of events) store.write(e);
      await store.close();

      // Through Kafka (with a registry, so the consumer resolves ids there).
      const sink = await openKafkaSink({brokers, topic, partitions: 3, schemaRegistry: registry.url, spillDir: join(tmp, "spill")});
      for (const e of events) sink.write(e);
      await sink.flush();
      await sink.close();
      // Garbage the consumer must count and skip: not Confluent framing, a truncated body, a bad deletion.
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({topic, messages: [{key: "junk", value: "not avro at all"}, {key: "short", value: frame(1, tootType.toBuffer(toots[0]).subarray(0, 20))}]});
      await producer.send({topic: deletesTopic(topic), messages: [{key: "junk", value: Buffer.from([0, 0, 0, 0, 2, 255, 255])}]});
      await producer.disconnect();

      const viaKafka = join(tmp, "via-kafka");
      const lines: string[] = [];
      const started = Date.now();
      consumer = await startConsumer({brokers, topic, groupId: `store-${topic}`, root: viaKafka, fromBeginning: true, schemaRegistry: registry.url, log: (l) => lines.push(l)});
      await until("the consumer to read every message", () => consumer!.stats().consumed === events.length + 3, 60_000);
      const seconds = (Date.now() - started) / 1000;
      await until("offsets committed", () => consumer!.stats().committed === events.length + 3, 10_000);
      await consumer.stop();
      const stats = consumer.stats();
      console.log(`consumer: ${stats.consumed} messages in ${seconds.toFixed(1)} s (${Math.round(stats.consumed / seconds)}/s incl. group join), ${stats.flushes} flushes`);

      expect(stats).toMatchObject({bad: 3, toots: events.filter((e) => e.kind === "toot").length, edits: events.filter((e) => e.kind === "edit").length, deletes: events.filter((e) => e.kind === "delete").length});
      expect(lines.filter((l) => /^consume-.*\/\d+: bad message skipped \(.*\): offset \d+/.test(l)).length).toBe(3); // each with topic/partition and offset
      expect(lines.some((l) => l.startsWith(`${topic}/`) && l.includes("magic byte"))).toBe(true);

      const [a, b] = [await summary(direct), await summary(viaKafka)];
      expect(b.overview).toEqual(a.overview);
      expect(b.extra).toEqual(a.extra);
      expect(a.overview.totals.toots).toBeGreaterThan(1000);
      expect((a.extra[0] as {no_text: number}).no_text).toBeGreaterThan(0);
      expect((a.extra[0] as {edited: number}).edited).toBeGreaterThan(0);

      // Committed offsets reach the end of both topics: a restart reads nothing twice.
      await withAdmin(async (admin) => {
        for (const t of [topic, deletesTopic(topic)]) {
          const [committed] = await admin.fetchOffsets({groupId: `store-${topic}`, topics: [t]});
          const high = await admin.fetchTopicOffsets(t);
          expect(committed!.partitions.map((p) => [p.partition, p.offset]).sort()).toEqual(high.map((p) => [p.partition, p.high]).sort());
        }
      });
    } finally {
      await consumer?.stop();
      await registry.close();
    }
  }, 120_000);

  test("options are checked at the boundary", async () => {
    await expect(startConsumer({brokers: ["nohost"], topic: "t", groupId: "g", root: tmp})).rejects.toThrow('invalid brokers: ["nohost"]');
    await expect(startConsumer({brokers, topic: "t", groupId: "", root: tmp})).rejects.toThrow('invalid groupId: ""');
    await expect(startConsumer({brokers, topic: "t", groupId: "g", root: tmp, maxPending: 0})).rejects.toThrow("invalid maxPending: 0");
  });
});
