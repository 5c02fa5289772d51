// Round trip against the local broker started by `tsx stack/cli.ts up`:
// admin create topic -> 100 keyed messages -> consumer group reads them all.
// Deliberately fails (never skips) when the broker is absent, so CI can't go green without Kafka.
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { Kafka, Partitioners, logLevel, type Admin } from "kafkajs";
import { kafkaBrokers, kafkaPort } from "../stack/kafka.ts";
import { isPortOpen } from "../stack/service.ts";

const brokers = kafkaBrokers();
const kafka = new Kafka({ clientId: "stack-kafka-test", brokers, logLevel: logLevel.WARN, connectionTimeout: 3000 });
const suffix = randomUUID().slice(0, 8);
const topic = `stack-test-${suffix}`;
const groupId = `stack-test-group-${suffix}`;
const expected = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`key-${String(i).padStart(3, "0")}`, `value-${i}`]));

describe("local Kafka stack", () => {
  const admin: Admin = kafka.admin();
  let connected = false; // without a broker, cleanup would only add kafkajs retry noise

  afterAll(async () => {
    if (!connected) return;
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it("creates a topic, produces 100 keyed messages and consumes them in a consumer group", async () => {
    // Plain TCP probe first: fails in milliseconds with one clear line instead of kafkajs retrying for ~20 s.
    if (!(await isPortOpen(kafkaPort()))) {
      throw new Error(`Kafka broker not reachable at ${brokers.join(",")}. Start it first with \`npx tsx stack/cli.ts up kafka\`.`);
    }
    await admin.connect();
    connected = true;
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true })).toBe(true);
    expect(await admin.listTopics()).toContain(topic);

    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: Object.entries(expected).map(([key, value]) => ({ key, value })) });
    await producer.disconnect();

    const received: Array<[string, string]> = [];
    const consumer = kafka.consumer({ groupId });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${received.length}/100 messages consumed within 30 s`)), 30_000);
      consumer
        .run({
          eachMessage: async ({ message }) => {
            received.push([message.key?.toString() ?? "<null>", message.value?.toString() ?? "<null>"]);
            if (received.length === 100) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
    await consumer.disconnect(); // commits the group's offsets

    expect(received).toHaveLength(100);
    expect(Object.fromEntries(received)).toEqual(expected);

    // The group really committed: offsets over the 3 partitions add up to exactly 100.
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(offsets?.partitions).toHaveLength(3);
    expect(offsets?.partitions.reduce((sum, p) => sum + Number(p.offset), 0)).toBe(100);
    await admin.deleteGroups([groupId]);
  }, 60_000);
});
