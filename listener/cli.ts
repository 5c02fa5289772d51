/**
 * `npm run listen -- [options]`: follow Mastodon servers (or replay a recording) into the store or
 * Kafka until SIGINT/SIGTERM. The first signal stops the sources, flushes the sink and exits 0; a
 * second one exits at once. Tokens come from the environment only and are never printed.
 */
import {loadDotEnv} from "../loaders/config.ts";
import {Daemon} from "./daemon.ts";
import {OptionsError, RateLimitedLog, redact} from "./errors.ts";
import {parseOptions, USAGE, type ListenerOptions} from "./options.ts";
import {Recorder} from "./replay/recorder.ts";
import {replayFile} from "./replay/replay.ts";
import {describeSink, openSink} from "./sinks/index.ts";
import type {Sink} from "./sink.ts";
import {ConsoleReporter} from "./status-line.ts";

/** Shutdown that takes longer than this (a sink that cannot flush) gives up with exit code 1. */
const SHUTDOWN_TIMEOUT_MS = 30_000;

async function main(): Promise<void> {
  loadDotEnv();
  let options: ListenerOptions | null;
  try {
    options = parseOptions(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof OptionsError)) throw error;
    process.stderr.write(`listen: ${error.message}\n(see npm run listen -- --help)\n`);
    process.exit(2);
  }
  if (!options) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const o = options;
  const secrets = tokenSecrets();
  let daemon: Daemon | null = null;
  const reporter = new ConsoleReporter({
    out: process.stdout, err: process.stderr, secrets, quiet: o.quiet, intervalMs: o.statusIntervalMs,
    stats: () => daemon?.servers ?? [],
    sinkStatus: () => describeSink(sink)
  });
  // The daemon's own timers never hold the process open; this does, until shutdown.
  const keepAlive = setInterval(() => {}, 1 << 30);
  const sinkErrors = new RateLimitedLog((m) => reporter.warn(m), 60_000);
  let sink: Sink | null = null;
  let recorder: Recorder | null = null;
  const replayAbort = new AbortController();

  // Signals are handled from the start: a signal while the sink opens exits without losing anything.
  let stopping = false;
  const shutdown = async (code: number) => {
    stopping = true;
    replayAbort.abort();
    const timeout = setTimeout(() => {
      reporter.warn(`shutdown did not finish within ${SHUTDOWN_TIMEOUT_MS / 1000} s; exiting`);
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    timeout.unref();
    try {
      await daemon?.stop();
      await sink?.close();
      await recorder?.close();
      if (daemon) reporter.stop();
    } catch (error) {
      reporter.warn(`shutdown: ${(error as Error).message}`);
      code = 1;
    }
    clearInterval(keepAlive);
    process.exit(code);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(signal === "SIGINT" ? 130 : 143);
      void shutdown(0);
    });
  }
  // A bug we did not foresee must not lose what is buffered: flush, then exit 1 for a restart.
  process.on("uncaughtException", (error) => {
    reporter.warn(`internal error: ${error.message}`);
    if (stopping) process.exit(1);
    void shutdown(1);
  });

  try {
    sink = await openSink(o.sink, {
      store: {root: o.store, flushIntervalMs: o.flushIntervalMs},
      kafka: o.kafka,
      onError: (error) => sinkErrors.report(o.sink, "sink error", error.message)
    });
    recorder = o.record ? await Recorder.open(o.record, (e) => reporter.warn(e.message)) : null;
  } catch (error) {
    reporter.warn((error as Error).message);
    return shutdown(1);
  }
  if (stopping) return;
  const rec = recorder;
  daemon = new Daemon({
    servers: o.servers, timeline: o.timeline, sink, keepText: o.keepText,
    watchdogMs: o.watchdogMs, pollIntervalMs: o.pollIntervalMs,
    log: reporter,
    ...(rec ? {record: (event) => rec.write(event)} : {})
  });

  for (const warning of o.warnings) reporter.warn(warning);
  reporter.start();
  if (o.replay) {
    reporter.info(`replaying ${o.replay}${o.speed === 0 ? " as fast as possible" : o.speed === 1 ? "" : ` at ${o.speed}×`}`);
    const replayLog = new RateLimitedLog((m) => reporter.warn(m), 60_000);
    try {
      const summary = await replayFile(o.replay, (event) => daemon!.ingest(event), {
        speed: o.speed, signal: replayAbort.signal,
        onBadLine: (error) => replayLog.report("replay", "bad line", error.message)
      });
      if (!stopping) reporter.info(`replayed ${summary.events} events${summary.skipped ? `, skipped ${summary.skipped} bad lines` : ""}`);
    } catch (error) {
      reporter.warn((error as Error).message);
      if (!stopping) return shutdown(1);
    }
    if (!stopping) await shutdown(0);
    return;
  }
  const what = o.timeline.kind === "hashtag" ? `#${o.timeline.tag}` : `the ${o.timeline.kind === "public" ? "federated" : "local"} timeline`;
  reporter.info(`listening to ${what} of ${o.servers.map((s) => s.name).join(", ")} → ${o.sink === "store" ? o.store : `kafka ${o.kafka.topic}`}`);
  daemon.start();
}

/** Every token in the environment, whether or not it is used: none of them may ever be printed. */
function tokenSecrets(): string[] {
  return Object.entries(process.env).flatMap(([name, value]) => (name.startsWith("MASTODON_TOKEN") && value?.trim() ? [value.trim()] : []));
}

main().catch((error) => {
  // The message only: an error object may carry request configuration (and with it a token).
  process.stderr.write(`listen: ${redact(error instanceof Error ? error.message : String(error), tokenSecrets())}\n`);
  process.exit(1);
});
