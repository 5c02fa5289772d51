/**
 * Shared by the Kafka tests: they run against the real local broker (`npx tsx stack/cli.ts up kafka`)
 * and fail — never skip — with one clear line when it is not there.
 */
import {randomUUID} from "node:crypto";
import {Kafka, logLevel, type Admin} from "kafkajs";
import {demoToots} from "../../listener/demo/generator.ts";
import type {Toot} from "../../listener/record/schema.ts";
import type {SinkEvent} from "../../listener/sink.ts";
import {kafkaBrokers, kafkaPort} from "../../stack/kafka.ts";
import {isPortOpen} from "../../stack/service.ts";

export const brokers = kafkaBrokers();

/**
 * Called first in every test that needs the broker, so each of them fails (vitest would report a
 * failing beforeAll as skipped tests). A plain TCP probe: milliseconds, not kafkajs' retries.
 */
export async function requireBroker(): Promise<void> {
  if (!(await isPortOpen(kafkaPort()))) {
    throw new Error(`Kafka broker not reachable at ${brokers.join(",")}. Start it with \`npx tsx stack/cli.ts up kafka\`.`);
  }
}

export const kafka = new Kafka({clientId: "kafka-tests", brokers, logLevel: logLevel.NOTHING, connectionTimeout: 3000});

export function uniqueTopic(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export async function withAdmin<T>(fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

export async function deleteTopics(...topics: string[]): Promise<void> {
  if (!(await isPortOpen(kafkaPort()))) return; // nothing was created; kafkajs would only retry
  await withAdmin(async (admin) => {
    const existing = new Set(await admin.listTopics());
    const gone = topics.filter((t) => existing.has(t));
    if (gone.length) await admin.deleteTopics({topics: gone});
  }).catch(() => undefined);
}

export interface Read {
  key: string | null;
  value: Buffer | null;
  partition: number;
  offset: string;
}

/** Every message in the topic now (up to the high watermarks), via a throwaway consumer group. */
export async function readTopic(topic: string, timeoutMs = 30_000): Promise<Read[]> {
  const total = await withAdmin(async (admin) => (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high) - Number(p.low), 0));
  const out: Read[] = [];
  if (total === 0) return out;
  const consumer = kafka.consumer({groupId: `read-${randomUUID()}`});
  await consumer.connect();
  try {
    await consumer.subscribe({topic, fromBeginning: true});
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read only ${out.length}/${total} messages of ${topic} within ${timeoutMs} ms`)), timeoutMs);
      consumer.run({
        eachMessage: async ({partition, message}) => {
          out.push({key: message.key?.toString() ?? null, value: message.value, partition, offset: message.offset});
          if (out.length >= total) {
            clearTimeout(timer);
            resolve();
          }
        }
      }).catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return out;
}

/** Counts of keys: how many distinct, and how many messages beyond one per key. */
export function duplicates(keys: (string | null)[]): {distinct: number; duplicates: number} {
  const distinct = new Set(keys).size;
  return {distinct, duplicates: keys.length - distinct};
}

/**
 * The demo as listener events: every toot, then for a few an edit (new language and text, so the
 * overview sees edits) and deletions by uri and by server id only.
 */
export function demoEvents(toots: number, seed = 7): {toots: Toot[]; events: SinkEvent[]} {
  const all = [...demoToots({toots, seed, duplicates: 0.05})];
  const events: SinkEvent[] = all.map((toot) => ({kind: "toot", toot}));
  all.forEach((toot, i) => {
    if (i % 97 === 0) events.push({kind: "edit", toot: {...toot, language: "eo", text: `${toot.text ?? ""} (edited)`, edited_at: toot.created_at + 60_000}});
    if (i % 89 === 0) events.push({kind: "delete", deletion: {source_server: toot.source_server, id: toot.id, uri: toot.uri, deleted_at: toot.created_at + 120_000}});
    if (i % 83 === 0) events.push({kind: "delete", deletion: {source_server: toot.source_server, id: toot.id, uri: null, deleted_at: toot.created_at + 180_000}});
  });
  return {toots: all, events};
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}
