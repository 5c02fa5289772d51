/**
 * Producer and consumer throughput against the local broker (not a test: numbers for the docs).
 * Usage: npx tsx test/kafka/throughput.ts [records=100000]
 * Producer: write() all records (Avro encoding included) and flush() until Kafka acknowledged them.
 * Consumer: a new group reads them into a fresh embedded store, flushed and committed.
 */
import {mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {demoToots} from "../../listener/demo/generator.ts";
import {startConsumer} from "../../listener/consume.ts";
import {openKafkaSink} from "../../listener/sinks/kafka.ts";
import {deletesTopic} from "../../listener/sinks/wire.ts";
import {brokers, deleteTopics, requireBroker, uniqueTopic, until} from "./helpers.ts";

const n = Number(process.argv[2] ?? 100_000);
if (!Number.isInteger(n) || n <= 0) throw new Error(`invalid records: ${process.argv[2]}`);
await requireBroker();
const toots = [...demoToots({toots: n, seed: 1})];
const topic = uniqueTopic("throughput");
const tmp = mkdtempSync(join(tmpdir(), "kafka-throughput-"));
try {
  const sink = await openKafkaSink({brokers, topic, partitions: 4, maxBuffered: n, spillDir: join(tmp, "spill")});
  let t0 = performance.now();
  for (const toot of toots) sink.write({kind: "toot", toot});
  const written = performance.now();
  await sink.flush();
  let seconds = (performance.now() - t0) / 1000;
  const s = sink.stats();
  await sink.close();
  console.log(`producer: ${toots.length} records in ${seconds.toFixed(2)} s = ${Math.round(toots.length / seconds)} records/s ` +
    `(write()+encode ${(written - t0).toFixed(0)} ms; sent ${s.sent}, errors ${s.errors})`);

  t0 = performance.now();
  const consumer = await startConsumer({brokers, topic, groupId: `${topic}-store`, root: join(tmp, "store"), fromBeginning: true, log: console.error});
  await until("all records consumed and committed", () => consumer.stats().committed >= toots.length, 300_000);
  seconds = (performance.now() - t0) / 1000;
  await consumer.stop();
  const c = consumer.stats();
  console.log(`consumer: ${c.consumed} records into the store in ${seconds.toFixed(2)} s = ${Math.round(c.consumed / seconds)} records/s ` +
    `(group join included; ${c.flushes} store flushes, ${c.bad} bad)`);
} finally {
  await deleteTopics(topic, deletesTopic(topic));
  rmSync(tmp, {recursive: true, force: true});
}
