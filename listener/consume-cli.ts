/**
 * `npm run consume -- [options]`: Kafka → embedded store (listener/consume.ts) until SIGINT/SIGTERM;
 * the first signal flushes the store, commits and exits 0, a second one exits at once.
 */
import {isAbsolute, resolve} from "node:path";
import {parseArgs} from "node:util";
import {loadDotEnv, PROJECT_ROOT} from "../loaders/config.ts";
import {startConsumer, type ConsumerOptions, type RunningConsumer} from "./consume.ts";
import {OptionsError} from "./errors.ts";

const USAGE = `Usage: npm run consume -- [options]

  --brokers LIST         Kafka bootstrap servers, comma-separated (default: KAFKA_BROKERS or localhost:9092)
  --topic NAME           main topic; deletions are read from NAME-deletes (default: KAFKA_TOPIC or mastodon-topic)
  --group ID             consumer group (default: KAFKA_GROUP or observatory-store)
  --store DIR            embedded store folder (default: OBSERVATORY_STORE or data/store)
  --schema-registry URL  resolve schema ids there (default: SCHEMA_REGISTRY_URL; none: the project schema)
  --latest               a new group starts at new messages instead of the oldest retained ones
  --flush SECONDS        flush the store and commit offsets this often (default 1)
  --status-interval S    status line period (default 10; 0: none)
  -h, --help`;

function parse(argv: string[], env: NodeJS.ProcessEnv): (ConsumerOptions & {statusMs: number}) | null {
  const {values} = parseArgs({
    args: argv,
    options: {
      brokers: {type: "string"},
      topic: {type: "string"},
      group: {type: "string"},
      store: {type: "string"},
      "schema-registry": {type: "string"},
      latest: {type: "boolean"},
      flush: {type: "string"},
      "status-interval": {type: "string"},
      help: {type: "boolean", short: "h"}
    }
  });
  if (values.help) return null;
  const seconds = (raw: string | undefined, fallback: number, name: string) => {
    const n = Number(raw ?? fallback);
    if (!Number.isFinite(n) || n < 0) throw new OptionsError(`invalid ${name}: ${raw}`);
    return Math.round(n * 1000);
  };
  const store = values.store ?? env.OBSERVATORY_STORE ?? "data/store";
  const registry = values["schema-registry"] ?? (env.SCHEMA_REGISTRY_URL || undefined);
  return {
    brokers: (values.brokers ?? env.KAFKA_BROKERS ?? "localhost:9092").split(",").map((b) => b.trim()).filter(Boolean),
    topic: values.topic ?? env.KAFKA_TOPIC ?? "mastodon-topic",
    groupId: values.group ?? env.KAFKA_GROUP ?? "observatory-store",
    root: isAbsolute(store) ? store : resolve(PROJECT_ROOT, store),
    fromBeginning: !values.latest,
    ...(registry ? {schemaRegistry: registry} : {}),
    flushIntervalMs: Math.max(10, seconds(values.flush, 1, "--flush")),
    statusMs: seconds(values["status-interval"], 10, "--status-interval")
  };
}

async function main(): Promise<void> {
  loadDotEnv();
  let options: ReturnType<typeof parse>;
  try {
    options = parse(process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(`consume: ${(error as Error).message}\n(see npm run consume -- --help)\n`);
    process.exit(2);
  }
  if (!options) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const {statusMs, ...o} = options;
  let consumer: RunningConsumer;
  try {
    consumer = await startConsumer(o);
  } catch (error) {
    process.stderr.write(`consume: ${(error as Error).message}\n`);
    process.exit(error instanceof OptionsError ? 2 : 1);
  }
  process.stderr.write(`consume: ${o.topic} and ${o.topic}-deletes on ${o.brokers.join(",")} (group ${o.groupId}) → ${o.root}\n`);

  let last = {at: Date.now(), consumed: 0};
  const status = statusMs > 0 ? setInterval(() => {
    const s = consumer.stats();
    const now = Date.now();
    const rate = ((s.consumed - last.consumed) * 1000) / Math.max(1, now - last.at);
    last = {at: now, consumed: s.consumed};
    process.stderr.write(`consume: ${s.consumed} read (${rate.toFixed(0)}/s): ${s.toots} toots, ${s.edits} edits, ${s.deletes} deletes, ${s.bad} bad; ${s.committed} committed, ${s.pending} pending${s.running ? "" : "; STOPPED: " + s.lastError}\n`);
  }, statusMs) : undefined;

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) process.exit(130); // second signal: leave now (uncommitted messages are read again next time)
    stopping = true;
    clearInterval(status);
    clearInterval(watch);
    await consumer.stop();
    const s = consumer.stats();
    process.stderr.write(`consume: stopped after ${s.consumed} messages (${s.bad} bad), ${s.committed} committed\n`);
    process.exit(code);
  };
  // kafkajs restarts itself after transient failures; a crash it gives up on ends the process (non-zero).
  const watch = setInterval(() => {
    if (consumer.stats().running || stopping) return;
    process.stderr.write(`consume: the Kafka consumer stopped: ${consumer.stats().lastError}\n`);
    void stop(1);
  }, 1000);
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
}

void main();
