// The broker goes away mid-stream and comes back: the sink keeps accepting writes without
// throwing, reports the outage (onError, stats), spills beyond its memory bound, and afterwards
// every toot is in the topic exactly once. KAFKA_OUTAGE_MS sets the outage (default 30 s, the
// spec's figure; the whole test then takes about a minute).
import {mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, expect, test} from "vitest";
import {demoToots} from "../../listener/demo/generator.ts";
import {openKafkaSink, type KafkaSinkStats} from "../../listener/sinks/kafka.ts";
import {deletesTopic} from "../../listener/sinks/wire.ts";
import {KafkaService, kafkaPort} from "../../stack/kafka.ts";
import {isPortOpen} from "../../stack/service.ts";
import {brokers, deleteTopics, duplicates, readTopic, requireBroker, sleep, uniqueTopic, until} from "./helpers.ts";

const OUTAGE_MS = Number(process.env.KAFKA_OUTAGE_MS ?? 30_000);
const kafka = new KafkaService();
const tmp = mkdtempSync(join(tmpdir(), "kafka-outage-test-"));
const topic = uniqueTopic("outage");
let stopped = false; // this test stopped the broker and has not restarted it yet

afterAll(async () => {
  if (stopped) await kafka.up(); // never leave the broker down for the next tests
  await deleteTopics(topic, deletesTopic(topic));
  rmSync(tmp, {recursive: true, force: true});
});

test(`broker stopped for ${OUTAGE_MS / 1000} s mid-stream and restarted: no toot lost, no duplicate`, async () => {
  await requireBroker();
  const toots = [...demoToots({toots: 4000, seed: 21})];
  const errors: Error[] = [];
  const sink = await openKafkaSink({brokers, topic, partitions: 3, maxBuffered: 500, spillDir: join(tmp, "spill"), onError: (e) => errors.push(e)});
  const t0 = Date.now();
  const at = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

  // A steady stream over the whole test: before, during and after the outage.
  const perTick = Math.ceil(toots.length / ((OUTAGE_MS + 12_000) / 100));
  let written = 0;
  let writeErrors = 0;
  const writer = setInterval(() => {
    for (let k = 0; k < perTick && written < toots.length; k++) {
      try {
        sink.write({kind: "toot", toot: toots[written++]!});
      } catch {
        writeErrors++;
      }
    }
  }, 100);

  let during: KafkaSinkStats | undefined;
  try {
    await sleep(2000);
    const beforeOutage = sink.stats().sent;
    expect(beforeOutage).toBeGreaterThan(0);
    const downAt = Date.now();
    stopped = true;
    await kafka.down();
    if (await isPortOpen(kafkaPort())) throw new Error("the broker is still up after down(): it was not started by `npx tsx stack/cli.ts up kafka`, so this test cannot stop it");
    const downMs = Date.now() - downAt;
    await sleep(Math.max(0, OUTAGE_MS - downMs));
    during = sink.stats();
    const upAt = Date.now();
    await kafka.up();
    stopped = false;
    const upMs = Date.now() - upAt;
    const recoveredAt = Date.now();
    await until("the sink to reconnect", () => sink.stats().connected, 60_000);
    const reconnectMs = Date.now() - recoveredAt;
    await until("every toot to be written", () => written === toots.length, 60_000);
    await until("the backlog to drain", () => sink.stats().buffered + sink.stats().spilled === 0, 60_000);
    const drainedAt = Date.now();
    await sink.flush();
    console.log(`outage test: down() ${downMs} ms, outage ${OUTAGE_MS} ms, up() ${upMs} ms, sink reconnected ${reconnectMs} ms after up, ` +
      `backlog drained ${drainedAt - recoveredAt} ms after up, total ${at()}; during the outage: ${JSON.stringify(during)}`);
  } finally {
    clearInterval(writer);
    await sink.close();
  }

  expect(writeErrors).toBe(0); // write() never threw
  expect(during).toMatchObject({connected: false});
  expect(during!.errors).toBeGreaterThan(0);
  expect(during!.spilled).toBeGreaterThan(0); // beyond maxBuffered, on disk
  expect(during!.buffered).toBeLessThanOrEqual(500 + 2000);
  expect(errors.length).toBeGreaterThan(0);
  expect(sink.stats()).toMatchObject({connected: true, buffered: 0, spilled: 0, sent: toots.length, rejected: 0});

  const read = await readTopic(topic);
  const keys = read.map((m) => m.key);
  const present = new Set(keys);
  const missing = toots.filter((t) => !present.has(t.uri)).length;
  const {distinct, duplicates: dups} = duplicates(keys);
  console.log(`outage test: ${read.length} messages, ${distinct} distinct keys, ${missing} missing, ${dups} duplicate(s)`);
  expect(missing).toBe(0);
  expect(distinct).toBe(toots.length);
  expect(dups).toBe(0);
}, 90_000 + OUTAGE_MS);
