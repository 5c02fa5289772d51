/**
 * The Kafka sink's overflow on local disk: batches that could not wait in memory (Kafka down or
 * slower than the listener) are appended to NDJSON segment files and replayed, oldest first, when
 * Kafka answers again — also by the next process if this one dies. Order is kept: segments sort by
 * a numeric key; new batches go to the newest segment, a batch that must go first (the one that
 * was being sent) gets a key below all others.
 *
 * File `<dir>/<key 16 digits>-<pid>.ndjson`, one batch per line:
 *   {"v":1,"fp":"<schema fingerprints>","m":[[0|1, key, base64 Avro body], ...]}
 * (0: main topic, 1: deletes topic). Each line is re-sent as the same batch it was, so the
 * idempotent producer can recognise a batch the broker had already written.
 */
import {existsSync, mkdirSync, readdirSync, readFileSync, renameSync} from "node:fs";
import {appendFile, open, readFile, unlink, writeFile} from "node:fs/promises";
import {join, resolve} from "node:path";
import {ListenerError, OptionsError} from "../errors.ts";
import {describe} from "./kafka-client.ts";

export interface Message {
  /** 0: the main topic, 1: the deletes topic. */
  topic: 0 | 1;
  key: string;
  /** Avro body without the 5-byte header: the schema id is added when sent. */
  body: Buffer;
}
export type Batch = Message[];

interface Segment {
  key: number;
  path: string;
  events: number;
}

const NAME = /^(\d{16})-(\d+)\.ndjson$/;
/** Folders open in this process: two sinks sharing one would take each other's files as their own. */
const inUse = new Set<string>();
/** Start a new segment past this size, so a replay reads a bounded file at a time. */
const SEGMENT_BYTES = 16 * 1024 * 1024;

export class Spill {
  private segments: Segment[] = [];
  /** The segment being appended to; closed (null) once it is full or about to be replayed. */
  private tail: (Segment & {bytes: number}) | null = null;
  private nextKey: number;
  private writes: Promise<void> = Promise.resolve();
  private dirty = new Set<string>();
  private cursor: {segment: Segment; batches: Batch[]; index: number} | null = null;
  /** Events on disk (or being written) not yet delivered. */
  events = 0;

  private constructor(private readonly dir: string, private readonly fingerprint: string, private readonly onError: (e: Error) => void) {
    this.nextKey = Date.now() * 1000;
  }

  /**
   * Opens `dir`, taking over segments left by processes that are gone (their pid is not alive,
   * or is ours: a container restarts as the same pid), so nothing a dead listener spilled is lost.
   */
  static open(dir: string, fingerprint: string, onError: (e: Error) => void): Spill {
    const key = resolve(dir);
    if (inUse.has(key)) throw new OptionsError(`invalid spillDir: ${dir} is already used by another Kafka sink in this process`);
    inUse.add(key);
    const spill = new Spill(dir, fingerprint, onError);
    if (!existsSync(dir)) return spill;
    for (const name of readdirSync(dir).sort()) {
      const m = NAME.exec(name);
      if (!m) continue;
      const pid = Number(m[2]);
      if (pid !== process.pid && alive(pid)) continue; // a running sink's own files
      const path = join(dir, `${m[1]}-${process.pid}.ndjson`);
      try {
        if (pid !== process.pid) renameSync(join(dir, name), path);
      } catch {
        continue; // another process adopted it first
      }
      const events = readFileSync(path, "utf8").split("\n").reduce((n, line) => n + (line ? (parseLine(line)?.m.length ?? 0) : 0), 0);
      spill.segments.push({key: Number(m[1]), path, events});
      spill.events += events;
    }
    const last = spill.segments.at(-1);
    if (last) spill.nextKey = Math.max(spill.nextKey, last.key + 1);
    return spill;
  }

  /** Segment files exist (possibly holding only unreadable lines: peek() clears those). */
  get hasSegments(): boolean {
    return this.segments.length > 0;
  }

  get dirPath(): string {
    return this.dir;
  }

  /** Appends batches after everything spilled so far. Returns at once; sync() waits for the disk. */
  append(batches: Batch[]): void {
    if (batches.length === 0) return;
    if (!this.tail) {
      this.tail = {key: this.nextKey++, path: "", events: 0, bytes: 0};
      this.tail.path = this.pathOf(this.tail.key);
      this.segments.push(this.tail);
    }
    const tail = this.tail;
    const text = batches.map((b) => this.line(b)).join("");
    const events = batches.reduce((n, b) => n + b.length, 0);
    tail.events += events;
    tail.bytes += text.length;
    this.events += events;
    if (tail.bytes >= SEGMENT_BYTES) this.tail = null;
    this.enqueue(tail, text, events);
  }

  /** Writes a batch that must be sent before everything already spilled (the one in flight). */
  prepend(batch: Batch): void {
    // Only called for a batch taken from memory, which happens only while nothing is being replayed.
    if (this.cursor) throw new Error("spill: prepend while replaying");
    const key = Math.min(this.nextKey, ...this.segments.map((s) => s.key)) - 1;
    const segment = {key, path: this.pathOf(key), events: batch.length};
    this.segments.unshift(segment);
    this.events += batch.length;
    this.enqueue(segment, this.line(batch), batch.length);
  }

  /** Resolves when everything appended so far is written and fsynced. */
  async sync(): Promise<void> {
    await this.writes;
    const paths = [...this.dirty];
    this.dirty.clear();
    for (const path of paths) {
      const handle = await open(path, "r").catch(() => undefined); // replayed and removed meanwhile
      if (!handle) continue;
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
  }

  /** The oldest undelivered batch, or undefined when the spill is empty. */
  async peek(): Promise<Batch | undefined> {
    for (;;) {
      if (this.cursor && this.cursor.index < this.cursor.batches.length) return this.cursor.batches[this.cursor.index];
      if (this.cursor) await this.finishSegment();
      const segment = this.segments[0];
      if (!segment) return undefined;
      if (segment === this.tail) this.tail = null; // replaying it: later batches start a new segment
      await this.writes;
      this.cursor = {segment, batches: await this.load(segment), index: 0};
    }
  }

  /** The batch peek() returned was delivered. */
  async ack(): Promise<void> {
    const cursor = this.cursor;
    if (!cursor) return;
    this.events -= cursor.batches[cursor.index]?.length ?? 0;
    cursor.index++;
    if (cursor.index >= cursor.batches.length) await this.finishSegment();
  }

  async close(): Promise<void> {
    await this.sync();
    inUse.delete(resolve(this.dir));
  }

  private async finishSegment(): Promise<void> {
    const cursor = this.cursor!;
    this.cursor = null;
    this.segments = this.segments.filter((s) => s !== cursor.segment);
    await unlink(cursor.segment.path).catch(() => undefined);
  }

  private async load(segment: Segment): Promise<Batch[]> {
    const text = await readFile(segment.path, "utf8").catch(() => "");
    const batches: Batch[] = [];
    const foreign: string[] = [];
    let broken = 0;
    for (const line of text.split("\n")) {
      if (!line) continue;
      const parsed = parseLine(line);
      if (!parsed) broken++;
      else if (parsed.fp !== this.fingerprint) foreign.push(line + "\n");
      else batches.push(parsed.m.map(([topic, key, body]) => ({topic, key, body: Buffer.from(body, "base64")})));
    }
    const loaded = batches.reduce((n, b) => n + b.length, 0);
    this.events -= segment.events - loaded; // what will never be sent from here
    segment.events = loaded;
    if (broken > 0) this.onError(new ListenerError(`kafka spill ${segment.path}: ${broken} unreadable line(s) skipped (a crash mid-write?)`, false));
    if (foreign.length > 0) {
      // Written under another schema version: sending it framed with today's schema id would make
      // readers decode it wrongly. Kept aside for a human instead of being dropped.
      const stale = segment.path.replace(/\.ndjson$/, ".stale");
      await appendFile(stale, foreign.join(""));
      await writeFile(segment.path, batches.map((b) => this.line(b)).join(""));
      this.onError(new ListenerError(`kafka spill: ${foreign.length} batch(es) written with another schema version kept in ${stale}, not sent`, false));
    }
    return batches;
  }

  private line(batch: Batch): string {
    return JSON.stringify({v: 1, fp: this.fingerprint, m: batch.map((m) => [m.topic, m.key, m.body.toString("base64")])}) + "\n";
  }

  private pathOf(key: number): string {
    return join(this.dir, `${String(key).padStart(16, "0")}-${process.pid}.ndjson`);
  }

  private enqueue(segment: Segment, text: string, events: number): void {
    const {path} = segment;
    this.dirty.add(path);
    this.writes = this.writes.then(async () => {
      mkdirSync(this.dir, {recursive: true});
      await appendFile(path, text);
    }).catch((error: unknown) => {
      this.events -= events;
      segment.events -= events;
      this.onError(new ListenerError(`kafka spill: ${events} event(s) could not be written to ${path} and are lost: ${describe(error)}`, false));
    });
  }
}

function parseLine(line: string): {fp: string; m: [0 | 1, string, string][]} | undefined {
  try {
    const parsed = JSON.parse(line) as {v?: unknown; fp?: unknown; m?: unknown};
    if (parsed.v !== 1 || typeof parsed.fp !== "string" || !Array.isArray(parsed.m)) return undefined;
    return parsed as {fp: string; m: [0 | 1, string, string][]};
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
