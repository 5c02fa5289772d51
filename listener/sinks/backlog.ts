/**
 * What the Kafka sink has not delivered yet, in order, and where it waits: the batch being sent,
 * then spilled batches on disk, then the in-memory queue. Memory is bounded (`maxBuffered`: beyond
 * it the oldest queued events move to the spill); spillAll() moves everything to disk (the batch
 * in flight first) so flush() can promise durability while Kafka is away.
 *
 * Every written event gets a sequence number; flush() waits until all numbers up to its call are
 * acknowledged by Kafka (`acked`) or fsynced to the spill (`durable`).
 */
import type {Batch, Message, Spill} from "./spill.ts";

interface Queued extends Message {
  seq: number;
}

export interface Inflight {
  batch: Batch;
  /** From a spill file (acknowledged there) or from memory (then `lastSeq` is its newest event). */
  fromDisk: boolean;
  lastSeq: number;
}

export interface BacklogLimits {
  batchSize: number;
  batchBytes: number;
  maxBuffered: number;
}

export class Backlog {
  private queue: Queued[] = [];
  /** The batch being sent (and re-sent, unchanged, until Kafka takes it). */
  inflight: Inflight | null = null;
  private written = 0;
  private acked = 0;
  private durable = 0;
  private waiters: {seq: number; resolve: () => void}[] = [];

  constructor(private readonly spill: Spill, private readonly limits: BacklogLimits) {}

  /** Events in memory, including a batch in flight taken from memory. */
  get buffered(): number {
    return this.queue.length + (this.inflight && !this.inflight.fromDisk ? this.inflight.batch.length : 0);
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Everything not yet acknowledged by Kafka, in memory or on disk. */
  get pending(): number {
    return this.buffered + this.spill.events;
  }

  get hasWaiters(): boolean {
    return this.waiters.length > 0;
  }

  push(message: Message): void {
    this.queue.push({...message, seq: ++this.written});
    if (this.queue.length > this.limits.maxBuffered) {
      // The oldest go to disk, down to half the bound, so this does not happen on every write.
      this.spill.append(this.batches(this.queue.splice(0, this.queue.length - Math.floor(this.limits.maxBuffered / 2))));
    }
  }

  /**
   * The next batch in order: the one being retried, then spilled ones, then memory — a partial
   * memory batch only when `partial` (the sink lingers first so batches fill up).
   */
  async next(partial: boolean): Promise<Inflight | undefined> {
    if (this.inflight) return this.inflight;
    if (this.spill.events > 0 || this.spill.hasSegments) {
      const batch = await this.spill.peek();
      if (batch) return (this.inflight = {batch, fromDisk: true, lastSeq: 0});
    }
    if (this.queue.length === 0) {
      // Nothing in flight, on disk or in memory: everything written so far was delivered (or rejected).
      this.acked = this.written;
      this.resolveWaiters();
      return undefined;
    }
    if (!partial && this.queue.length < this.limits.batchSize) return undefined;
    const batch = this.take(this.queue);
    return (this.inflight = {batch, fromDisk: false, lastSeq: batch.at(-1)!.seq});
  }

  /** Kafka acknowledged `current` (unless spillAll() took it back meanwhile: then it is sent again from disk). */
  async delivered(current: Inflight): Promise<void> {
    if (this.inflight !== current) return;
    this.inflight = null;
    if (current.fromDisk) await this.spill.ack();
    else {
      this.acked = current.lastSeq;
      this.resolveWaiters();
    }
  }

  /** Resolves when every event pushed so far is acknowledged or durable on disk. */
  settled(): Promise<void> {
    const seq = this.written;
    if (Math.max(this.acked, this.durable) >= seq) return Promise.resolve();
    return new Promise<void>((resolve) => this.waiters.push({seq, resolve}));
  }

  /** Everything not yet in Kafka to disk, the batch in flight first, fsynced. */
  async spillAll(): Promise<void> {
    const upTo = this.written;
    if (this.inflight && !this.inflight.fromDisk) {
      this.spill.prepend(this.inflight.batch);
      this.inflight = null;
    }
    const queue = this.queue;
    this.queue = [];
    this.spill.append(this.batches(queue));
    await this.spill.sync();
    this.durable = Math.max(this.durable, upTo);
    this.resolveWaiters();
  }

  /** On close: nobody waits any longer (what is left is on disk). */
  release(): void {
    for (const w of this.waiters.splice(0)) w.resolve();
  }

  private batches(events: Queued[]): Batch[] {
    const out: Batch[] = [];
    while (events.length > 0) out.push(this.take(events));
    return out;
  }

  /** Removes and returns the next batch from the front of `from` (batchSize events, about batchBytes). */
  private take(from: Queued[]): Queued[] {
    let n = 0;
    let bytes = 0;
    while (n < from.length && n < this.limits.batchSize) {
      const size = from[n]!.body.length + from[n]!.key.length + 70; // + header and record overhead
      if (n > 0 && bytes + size > this.limits.batchBytes) break;
      bytes += size;
      n++;
    }
    return from.splice(0, n);
  }

  private resolveWaiters(): void {
    const done = Math.max(this.acked, this.durable);
    if (this.waiters.length > 0) this.waiters = this.waiters.filter((w) => (w.seq <= done ? (w.resolve(), false) : true));
  }
}
