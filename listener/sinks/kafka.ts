/**
 * The Kafka sink: toots and edits to `<topic>` keyed by uri, deletions to `<topic>-deletes`, Avro
 * in Confluent wire format (see README.md beside this file). Built so the listener never waits on or hears from
 * Kafka except through onError/stats():
 * - write() only encodes and queues; one background pump sends batches (linger, batch size) with
 *   an idempotent producer, one request in flight, and re-sends a failed batch exactly as it was,
 *   so the broker drops copies it already has.
 * - Memory is bounded: beyond `maxBuffered` queued events the oldest are spilled to NDJSON files
 *   (backlog.ts, spill.ts) and replayed first once Kafka answers. Nothing is dropped; events that
 *   can never be sent (not encodable, larger than the broker accepts) are counted and reported.
 */
import {join} from "node:path";
import {appendFileSync, mkdirSync} from "node:fs";
import {CompressionTypes, Partitioners, logLevel, type Kafka, type Producer, type TopicMessages} from "kafkajs";
import {tootSchema} from "../record/schema.ts";
import type {Sink, SinkEvent} from "../sink.ts";
import {Backoff, sleep} from "../backoff.ts";
import {ListenerError} from "../errors.ts";
import {describe, ensureTopics, isRetriable, kafkaClient, kafkaErrorType} from "./kafka-client.ts";
import {SchemaRegistryClient} from "./registry.ts";
import {checkOptions, type Checked, type KafkaSinkOptions, type KafkaSinkStats} from "./kafka-options.ts";
import {Backlog, type Inflight} from "./backlog.ts";
import {Spill, type Batch} from "./spill.ts";
import {deletesTopic, deletionSchema, deletionType, frame, localSchemaId, schemaFingerprint, tootType, valueSubject} from "./wire.ts";

export type {KafkaSinkOptions, KafkaSinkStats};
export type KafkaSink = Sink & {stats(): KafkaSinkStats};

/** Errors after which the producer id/sequence state is unusable: start a new producer. */
const PRODUCER_STATE = new Set(["OUT_OF_ORDER_SEQUENCE_NUMBER", "INVALID_PRODUCER_EPOCH", "UNKNOWN_PRODUCER_ID", "INVALID_PRODUCER_ID_MAPPING"]);
const TOO_LARGE = new Set(["MESSAGE_TOO_LARGE", "RECORD_LIST_TOO_LARGE"]);
/** While failures continue, onError hears about them at most this often. */
const REPORT_EVERY_MS = 10_000;
/** A timer that keeps the process alive (backoff.ts's sleep does not): close() must finish. */
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function openKafkaSink(options: KafkaSinkOptions): Promise<KafkaSink> {
  const sink = new KafkaProducerSink(checkOptions(options));
  await sink.start();
  return sink;
}

class KafkaProducerSink implements Sink {
  private readonly kafka: Kafka;
  private producer: Producer;
  private readonly registry: SchemaRegistryClient | undefined;
  private readonly spill: Spill;
  private readonly backlog: Backlog;
  private ids: {toot: number; deletion: number} | null = null;
  private ready = false;
  private closing = false;
  private stopped = false;
  private readonly abort = new AbortController();
  private pump: Promise<void> = Promise.resolve();
  private wakeUp: (() => void) | null = null;
  /** When a partial batch may go (0: not lingering; in the past: a backlog goes out back to back). */
  private lingerUntil = 0;
  private failures = 0;
  private readonly backoff = new Backoff({baseMs: 250, maxMs: 5_000});
  private lastReport = 0;
  private firstSetup: {resolve: () => void; reject: (e: unknown) => void} | null = null;
  private readonly counts = {sent: 0, errors: 0, rejected: 0, lastError: null as string | null, connected: false};

  constructor(private readonly o: Checked) {
    this.kafka = kafkaClient({
      clientId: o.clientId,
      brokers: o.brokers,
      // kafkajs would log every failed attempt; the sink reports failures itself (onError, stats).
      level: logLevel.NOTHING,
      // Short inner retries: kafkajs gives up within seconds, so the sink sees the outage, reports
      // it and retries on its own schedule (listener/backoff.ts) without blocking anything.
      kafkaConfig: {retry: {retries: 2, initialRetryTime: 200, maxRetryTime: 1000}, ...o.kafkaConfig}
    });
    this.producer = this.newProducer();
    this.registry = o.schemaRegistry ? new SchemaRegistryClient(o.schemaRegistry) : undefined;
    this.spill = Spill.open(o.spillDir, `${schemaFingerprint(tootType)}.${schemaFingerprint(deletionType)}`, (e) => this.notify(e));
    this.backlog = new Backlog(this.spill, o);
  }

  /** Resolves after the first setup attempt: connected, or retrying in the background. Rejects only for errors retrying cannot fix. */
  async start(): Promise<void> {
    const first = new Promise<void>((resolve, reject) => (this.firstSetup = {resolve, reject}));
    this.pump = this.run();
    try {
      await first;
    } catch (error) {
      this.closing = this.stopped = true;
      this.abort.abort();
      await this.pump;
      await this.producer.disconnect().catch(() => undefined);
      await this.spill.close();
      throw error;
    }
  }

  write(event: SinkEvent): void {
    try {
      if (this.closing) throw new ListenerError(`kafka sink is closed; ${event.kind} event not sent`, false);
      this.backlog.push(event.kind === "delete"
        ? {topic: 1, key: event.deletion.uri ?? `${event.deletion.source_server}/${event.deletion.id}`, body: deletionType.toBuffer(event.deletion)}
        : {topic: 0, key: event.toot.uri, body: tootType.toBuffer(event.toot)});
      const queued = this.backlog.queued;
      if (queued === 1 || queued >= this.o.batchSize) this.wake();
    } catch (error) {
      this.counts.rejected++;
      const what = event.kind === "delete" ? `${event.deletion.source_server}/${event.deletion.id}` : String((event.toot as {uri?: unknown}).uri);
      this.notify(error instanceof ListenerError ? error : new ListenerError(`kafka sink: cannot encode ${event.kind} ${what}: ${describe(error)}`, false, {cause: error}));
    }
  }

  /**
   * Resolves when every event written before the call is in Kafka — or, while Kafka does not
   * answer, written and fsynced to the spill folder (sent from there on recovery or next start).
   */
  async flush(): Promise<void> {
    if (this.stopped) return;
    const settled = this.backlog.settled();
    if (!this.ready || this.failures > 0) await this.backlog.spillAll();
    this.wake();
    return settled;
  }

  /** Delivers what is pending (up to closeTimeoutMs; at once to disk if Kafka is failing), then disconnects. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.wake();
    const deadline = Date.now() + this.o.closeTimeoutMs;
    while (this.backlog.pending > 0 && this.ready && this.failures === 0 && Date.now() < deadline) await delay(20);
    const left = this.backlog.pending;
    if (left > 0) {
      await this.backlog.spillAll();
      this.notify(new ListenerError(`kafka sink closed with ${left} event(s) not yet in Kafka; they are in ${this.spill.dirPath} and are sent by the next sink on this topic`, true));
    }
    this.stopped = true;
    this.abort.abort();
    this.wake();
    await Promise.race([this.pump, delay(5_000)]);
    await this.producer.disconnect().catch(() => undefined);
    await this.spill.close();
    this.backlog.release();
  }

  stats(): KafkaSinkStats {
    return {
      connected: this.counts.connected,
      buffered: this.backlog.buffered,
      spilled: this.spill.events,
      sent: this.counts.sent,
      errors: this.counts.errors,
      rejected: this.counts.rejected,
      lastError: this.counts.lastError,
      schemaIds: this.ids
    };
  }

  // ---- the pump: one loop, one request in flight ----

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (!this.ready) {
          await this.setup();
          continue;
        }
        const urgent = this.closing || this.backlog.hasWaiters || this.o.lingerMs === 0 || (this.lingerUntil !== 0 && Date.now() >= this.lingerUntil);
        const current = await this.backlog.next(urgent);
        if (current) {
          if (!current.fromDisk) this.lingerUntil = this.backlog.queued > 0 ? 1 : 0;
          await this.deliver(current);
        } else if (this.backlog.queued === 0) {
          this.lingerUntil = 0;
          await this.waitForWake(); // a write, flush() or close() wakes it
        } else {
          // A partial batch: wait a little for company (a full batch or flush() ends the wait).
          if (this.lingerUntil === 0) this.lingerUntil = Date.now() + this.o.lingerMs;
          await this.waitForWake(Math.max(0, this.lingerUntil - Date.now()));
        }
      } catch (error) {
        // Only a bug or a disk error gets here; the pump must not die of it.
        this.fail(error, "kafka sink");
        await sleep(this.backoff.next(), this.abort.signal);
      }
    }
  }

  private async setup(): Promise<void> {
    try {
      const admin = this.kafka.admin();
      await admin.connect();
      try {
        const warnings = await ensureTopics(admin, {topic: this.o.topic, partitions: this.o.partitions, retentionMs: this.o.retentionMs, warnOnMismatch: this.o.partitionsAsked});
        for (const w of warnings) this.notify(new ListenerError(`kafka sink: ${w}`, false));
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
      this.ids ??= this.registry
        ? {
            toot: await this.registry.register(valueSubject(this.o.topic), tootSchema),
            deletion: await this.registry.register(valueSubject(deletesTopic(this.o.topic)), deletionSchema)
          }
        : {toot: localSchemaId(tootType), deletion: localSchemaId(deletionType)};
      await this.producer.connect();
      this.ready = true;
      this.up();
      this.firstSetup?.resolve();
      this.firstSetup = null;
    } catch (error) {
      this.fail(error, `kafka sink setup (${this.o.brokers.join(",")})`);
      if (this.firstSetup && !isRetriable(error)) {
        this.stopped = true;
        this.firstSetup.reject(new ListenerError(`kafka sink: ${describe(error)}`, false, {cause: error}));
        return;
      }
      this.firstSetup?.resolve(); // the listener starts; events queue and spill until Kafka is there
      this.firstSetup = null;
      if (this.backlog.hasWaiters) await this.backlog.spillAll();
      await sleep(this.backoff.next(), this.abort.signal);
    }
  }

  private async deliver(current: Inflight): Promise<void> {
    try {
      await this.producer.sendBatch({topicMessages: this.toKafka(current.batch), acks: -1, compression: this.codec()});
    } catch (error) {
      if (this.backlog.inflight !== current) return; // close() spilled it meanwhile
      this.fail(error, `kafka send of ${current.batch.length} event(s)`);
      const type = kafkaErrorType(error);
      if (type && TOO_LARGE.has(type)) return this.deliverOneByOne(current);
      if (type && PRODUCER_STATE.has(type)) await this.resetProducer();
      // Kafka is failing: what flush() waits for goes to disk now (memory beyond the bound already did).
      if (this.backlog.hasWaiters || this.closing) await this.backlog.spillAll();
      await sleep(this.backoff.next(), this.abort.signal);
      return; // the same batch comes back from next() (from memory, or from the spill if it moved there)
    }
    if (this.backlog.inflight !== current) return; // close() spilled it while it was being sent: a duplicate at worst
    this.counts.sent += current.batch.length;
    this.up();
    await this.backlog.delivered(current);
  }

  /**
   * The broker refused the request as too large: send message by message (with a fresh producer,
   * since partitions that were accepted now have sequence numbers the split would not match);
   * a message too large on its own is rejected and written to `rejected-<pid>.ndjson`.
   */
  private async deliverOneByOne(current: Inflight): Promise<void> {
    await this.resetProducer();
    if (!this.ready) return; // not connected: setup() first, then this batch again
    for (const message of current.batch) {
      try {
        await this.producer.sendBatch({topicMessages: this.toKafka([message]), acks: -1, compression: this.codec()});
        this.counts.sent++;
      } catch (error) {
        if (!TOO_LARGE.has(kafkaErrorType(error) ?? "")) throw error; // the run loop retries the batch
        this.counts.rejected++;
        const file = join(this.o.spillDir, `rejected-${process.pid}.ndjson`);
        mkdirSync(this.o.spillDir, {recursive: true});
        appendFileSync(file, JSON.stringify({reason: describe(error), topic: message.topic, key: message.key, body: message.body.toString("base64")}) + "\n");
        this.notify(new ListenerError(`kafka sink: ${message.key} (${message.body.length} bytes) is too large for the broker; kept in ${file}`, false));
      }
    }
    this.up();
    await this.backlog.delivered(current);
  }

  private toKafka(batch: Batch): TopicMessages[] {
    const ids = this.ids!;
    const main: TopicMessages = {topic: this.o.topic, messages: []};
    const deletes: TopicMessages = {topic: deletesTopic(this.o.topic), messages: []};
    for (const m of batch) {
      if (m.topic === 0) main.messages.push({key: m.key, value: frame(ids.toot, m.body)});
      else deletes.messages.push({key: m.key, value: frame(ids.deletion, m.body)});
    }
    return [main, deletes].filter((t) => t.messages.length > 0);
  }

  // ---- producer, state, reporting ----

  private newProducer(): Producer {
    return this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Java-compatible murmur2: a key lands on the partition any Kafka client would pick.
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: {retries: 2, initialRetryTime: 200, maxRetryTime: 1000}
    });
  }

  /** A new producer (new producer id, sequences from 0); if it cannot connect now, setup() does it later. */
  private async resetProducer(): Promise<void> {
    await this.producer.disconnect().catch(() => undefined);
    this.producer = this.newProducer();
    try {
      await this.producer.connect();
    } catch (error) {
      this.ready = false;
      this.fail(error, "kafka producer restart");
    }
  }

  private codec(): CompressionTypes {
    return this.o.compression === "gzip" ? CompressionTypes.GZIP : CompressionTypes.None;
  }

  private wake(): void {
    const wakeUp = this.wakeUp;
    this.wakeUp = null;
    wakeUp?.();
  }

  private waitForWake(ms?: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(() => this.wake(), ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private up(): void {
    this.failures = 0;
    this.backoff.reset();
    this.counts.connected = true;
  }

  private fail(error: unknown, what: string): void {
    this.failures++;
    this.counts.errors++;
    this.counts.connected = false;
    this.counts.lastError = `${what}: ${describe(error)}`;
    const now = Date.now();
    if (this.failures === 1 || now - this.lastReport >= REPORT_EVERY_MS) {
      this.lastReport = now;
      const buffered = this.backlog.pending;
      this.notify(new ListenerError(`${this.counts.lastError}${this.failures > 1 ? ` (failing for ${this.failures} attempts)` : ""}; ${buffered} event(s) kept, retrying`, isRetriable(error), {cause: error}));
    }
  }

  private notify(error: Error): void {
    try {
      this.o.onError(error);
    } catch (e) {
      console.error(`kafka sink: onError threw: ${describe(e)}`);
    }
  }
}
