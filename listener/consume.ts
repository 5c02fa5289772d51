/**
 * Kafka → embedded store: a consumer group reads `<topic>` (toots and edits) and `<topic>-deletes`
 * and writes them through StoreSink, so a team with Kafka but no Pinot still gets the pages.
 *
 * At-least-once: offsets are committed only after the store has flushed the events they cover
 * (every flushIntervalMs or maxPending events). A crash or rebalance before that replays some
 * messages; the store keeps one row per uri, so replays are harmless. A message that cannot be
 * decoded is counted, logged with its topic/partition and offset (RateLimitedLog: the same reason
 * on the same partition at most once a minute, then counted) and skipped — it never stops the consumer.
 */
import {logLevel, type KafkaConfig, type KafkaMessage} from "kafkajs";
import {StoreSink} from "../loaders/embedded/store-sink.ts";
import {ListenerError, OptionsError, RateLimitedLog} from "./errors.ts";
import {Decoder} from "./sinks/decode.ts";
import {checkBrokers, checkInt, checkTopic, describe, ensureTopics, isRetriable, kafkaClient} from "./sinks/kafka-client.ts";
import {SchemaRegistryClient} from "./sinks/registry.ts";
import {deletesTopic} from "./sinks/wire.ts";

export interface ConsumerOptions {
  brokers: string[];
  topic: string;
  groupId: string;
  /** The embedded store's folder. */
  root: string;
  /** Where a group without committed offsets starts: the oldest retained message (default) or new ones only. */
  fromBeginning?: boolean;
  /** Registry to resolve schema ids other than the project schema's own. */
  schemaRegistry?: string;
  /** Flush the store and commit offsets at least this often (default 1000 ms). */
  flushIntervalMs?: number;
  /** ... or when this many messages wait for a commit (default 20000). */
  maxPending?: number;
  /** Partitions when the topics do not exist yet and are created here (default 4, as the sink). */
  partitions?: number;
  /** Problems and notices (default: stderr). */
  log?: (line: string) => void;
  clientId?: string;
  /** Extra kafkajs client settings for real clusters (ssl, sasl, ...). */
  kafkaConfig?: Partial<KafkaConfig>;
}

export interface ConsumerStats {
  /** False once the kafkajs consumer crashed for good (it restarts itself after transient errors). */
  running: boolean;
  /** Messages read, bad ones included. */
  consumed: number;
  toots: number;
  edits: number;
  deletes: number;
  bad: number;
  /** Messages whose offsets are committed (their events are in the store). */
  committed: number;
  /** Messages read but not yet committed. */
  pending: number;
  flushes: number;
  errors: number;
  lastError: string | null;
}

export interface RunningConsumer {
  /** Stops reading, flushes the store, commits, disconnects. */
  stop(): Promise<void>;
  stats(): ConsumerStats;
}

interface Offset {
  topic: string;
  partition: number;
  offset: string;
}

export async function startConsumer(options: ConsumerOptions): Promise<RunningConsumer> {
  const brokers = checkBrokers(options.brokers);
  const topic = checkTopic(options.topic);
  if (typeof options.groupId !== "string" || options.groupId.trim() === "") throw new OptionsError(`invalid groupId: ${JSON.stringify(options.groupId)}`);
  if (typeof options.root !== "string" || options.root === "") throw new OptionsError(`invalid root: ${JSON.stringify(options.root)}`);
  const flushIntervalMs = checkInt(options.flushIntervalMs ?? 1000, "flushIntervalMs", 10);
  const maxPending = checkInt(options.maxPending ?? 20_000, "maxPending", 1);
  const partitions = checkInt(options.partitions ?? 4, "partitions", 1, 10_000);
  const registry = options.schemaRegistry ? new SchemaRegistryClient(options.schemaRegistry) : undefined;
  const log = options.log ?? ((line: string) => console.error(line));
  const deletes = deletesTopic(topic);

  const stats: ConsumerStats = {running: true, consumed: 0, toots: 0, edits: 0, deletes: 0, bad: 0, committed: 0, pending: 0, flushes: 0, errors: 0, lastError: null};
  const fail = (what: string, error: unknown) => {
    stats.errors++;
    stats.lastError = `${what}: ${describe(error)}`;
    log(`consume: ${stats.lastError}`);
  };
  const badLog = new RateLimitedLog(log, 60_000);
  const decoder = new Decoder(registry);
  const kafka = kafkaClient({clientId: options.clientId ?? "observatory-consumer", brokers, log, level: logLevel.ERROR, kafkaConfig: options.kafkaConfig});

  // Our own flushes decide when offsets are committed; the store's timer would only add parts.
  const store = await StoreSink.open({root: options.root, flushIntervalMs: 3_600_000, onError: (e) => fail("store", e)});
  // A fetch waits at most 1 s for data (kafkajs: 5 s), so stop() does not wait out a long poll.
  const consumer = kafka.consumer({groupId: options.groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 1000});
  try {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(admin, {topic, partitions}); // subscribing to a missing topic would fail
    } finally {
      await admin.disconnect();
    }
    await consumer.connect();
    await consumer.subscribe({topics: [topic, deletes], fromBeginning: options.fromBeginning ?? true});
  } catch (error) {
    await consumer.disconnect().catch(() => undefined);
    await store.close();
    throw new ListenerError(`consume: cannot start on ${brokers.join(",")}: ${describe(error)}`, isRetriable(error), {cause: error});
  }
  consumer.on(consumer.events.CRASH, ({payload}) => {
    fail(`kafka consumer crashed${payload.restart ? ", restarting" : ""}`, payload.error);
    if (!payload.restart) stats.running = false;
  });

  // Next offset to commit per topic-partition, for messages already handed to the store.
  let pending = new Map<string, Offset>();
  let chain: Promise<void> = Promise.resolve();
  const commit = (): Promise<void> => (chain = chain.then(commitNow, commitNow));

  async function commitNow(): Promise<void> {
    if (stats.pending === 0) return;
    const offsets = pending;
    const count = stats.pending;
    pending = new Map();
    stats.pending = 0;
    try {
      await store.flush();
    } catch (error) {
      // The store keeps the events; put the offsets back (newer ones for the same partition win).
      for (const [key, offset] of offsets) if (!pending.has(key)) pending.set(key, offset);
      stats.pending += count;
      fail("store flush (offsets not committed)", error);
      return;
    }
    stats.flushes++;
    try {
      await consumer.commitOffsets([...offsets.values()]);
      stats.committed += count;
    } catch (error) {
      fail(`commit of ${count} message(s) (they will be read again; the store keeps one row per uri)`, error);
    }
  }

  async function handle(source: string, partition: number, message: KafkaMessage): Promise<void> {
    try {
      if (source === deletes) {
        store.write({kind: "delete", deletion: await decoder.decode("deletion", message.value)});
        stats.deletes++;
        return;
      }
      const toot = await decoder.decode("toot", message.value);
      store.write({kind: toot.edited_at === null ? "toot" : "edit", toot});
      if (toot.edited_at === null) stats.toots++;
      else stats.edits++;
    } catch (error) {
      if (isRetriable(error)) throw error; // registry unreachable: kafkajs retries the batch from here
      stats.bad++;
      badLog.report(`${source}/${partition}`, `bad message skipped (${describe(error)})`, `offset ${message.offset}`);
    }
  }

  let stopping = false;
  let inBatch: Promise<void> = Promise.resolve();
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async ({batch, resolveOffset, heartbeat, isRunning, isStale}) => {
      let done!: () => void;
      inBatch = new Promise<void>((resolve) => (done = resolve));
      try {
        for (const message of batch.messages) {
          if (stopping || !isRunning() || isStale()) break;
          await handle(batch.topic, batch.partition, message);
          stats.consumed++;
          resolveOffset(message.offset);
          pending.set(`${batch.topic}:${batch.partition}`, {topic: batch.topic, partition: batch.partition, offset: (BigInt(message.offset) + 1n).toString()});
          stats.pending++;
          if (stats.pending >= maxPending) await commit();
        }
        await heartbeat();
      } finally {
        done();
      }
    }
  });
  const timer = setInterval(() => void commit(), flushIntervalMs);

  return {
    stats: () => ({...stats}),
    async stop() {
      if (stopping) return;
      stopping = true;
      clearInterval(timer);
      await inBatch; // the batch being handled finishes (its loop sees `stopping`)
      await commit(); // while still a group member, so the commit is accepted
      await consumer.disconnect().catch((error: unknown) => fail("disconnect", error));
      await store.close();
      stats.running = false;
    }
  };
}
