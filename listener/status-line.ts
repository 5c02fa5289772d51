import {redact, type Logger} from "./errors.ts";
import type {ServerStats} from "./sources/supervisor.ts";

export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ConsoleOptions {
  out: Output;
  err: Output;
  stats: () => ServerStats[];
  /** One line about the sink (Kafka: connected, sent, buffered, spilled…), if it has one to say. */
  sinkStatus?: () => string | null;
  /** Secrets to remove from every line printed (the tokens). */
  secrets: readonly string[];
  quiet: boolean;
  /** Period of plain status lines when `out` is not a terminal. */
  intervalMs: number;
  clock?: () => number;
}

/**
 * Everything the listener prints. On a terminal the per-server status block is redrawn in place
 * every second and log lines are printed above it; otherwise a plain status line per server is
 * printed every `intervalMs` (for journald, docker logs, files). Every line is redacted.
 */
export class ConsoleReporter implements Logger {
  private timer: NodeJS.Timeout | undefined;
  private drawn = 0;
  private readonly previous = new Map<string, {toots: number; at: number}>();
  private readonly clock: () => number;
  private readonly tty: boolean;

  constructor(private readonly o: ConsoleOptions) {
    this.clock = o.clock ?? Date.now;
    this.tty = !o.quiet && o.out.isTTY === true;
  }

  start(): void {
    if (this.o.quiet) return;
    this.timer = setInterval(() => this.tick(), this.tty ? 1000 : this.o.intervalMs);
    this.timer.unref();
    for (const s of this.o.stats()) this.previous.set(s.name, {toots: s.toots, at: this.clock()});
  }

  /** Final status (unless quiet) and no more redraws. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.o.quiet) return;
    this.clear();
    this.print(this.o.out, this.lines().join("\n") + "\n");
  }

  info(message: string): void {
    this.above(this.o.out, message);
  }

  warn(message: string): void {
    this.above(this.o.err, `warning: ${message}`);
  }

  /** One line per server: state, toots/s, totals; then the sink's line. */
  lines(): string[] {
    const now = this.clock();
    const sink = this.o.sinkStatus?.();
    return this.o.stats().map((s) => {
      const before = this.previous.get(s.name) ?? {toots: 0, at: now};
      const seconds = (now - before.at) / 1000;
      const rate = seconds > 0 ? (s.toots - before.toots) / seconds : 0;
      return `${s.name}  ${s.state.padEnd(12)} ${rate.toFixed(1).padStart(7)} toots/s  ${s.toots} toots, ${s.duplicates} duplicates dropped, `
        + `${s.backfilled} backfilled, ${s.edits} edits, ${s.deletes} deletes, ${s.invalid} invalid, ${s.errors} errors`;
    }).concat(sink ? [`sink  ${sink}`] : []);
  }

  private tick(): void {
    const lines = this.lines();
    const now = this.clock();
    for (const s of this.o.stats()) this.previous.set(s.name, {toots: s.toots, at: now});
    if (this.tty) {
      this.clear();
      this.print(this.o.out, lines.join("\n") + "\n");
      this.drawn = lines.length;
    } else {
      const stamp = new Date(now).toISOString();
      this.print(this.o.out, lines.map((l) => `${stamp} ${l}\n`).join(""));
    }
  }

  /** A log line above the status block (which is redrawn at the next tick). */
  private above(stream: Output, message: string): void {
    this.clear();
    this.print(stream, `${message}\n`);
  }

  private clear(): void {
    if (!this.tty || this.drawn === 0) return;
    // Cursor up over the block, clear to the end of the screen.
    this.o.out.write(`\x1b[${this.drawn}F\x1b[0J`);
    this.drawn = 0;
  }

  private print(stream: Output, text: string): void {
    stream.write(redact(text, this.o.secrets));
  }
}
