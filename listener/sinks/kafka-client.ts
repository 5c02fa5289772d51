/**
 * What the Kafka sink and the Kafka consumer share: option checks, the kafkajs client (its log
 * routed to us), and creating the topic pair (`<topic>` and `<topic>-deletes`) when missing.
 */
import {Kafka, logLevel, type Admin, type KafkaConfig, type LogEntry} from "kafkajs";
import {ListenerError, OptionsError} from "../errors.ts";
import {deletesTopic} from "./wire.ts";

// ---- errors: which failures of kafkajs, fetch and our own code are worth retrying ----

/** Network failures are worth retrying whoever raised them (our client, kafkajs, fetch). */
const NETWORK = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|socket hang up|fetch failed|timed? ?out/i;

export function isRetriable(error: unknown): boolean {
  if (error instanceof ListenerError) return error.retriable;
  if (!(error instanceof Error)) return false;
  // kafkajs wraps the last attempt's error in "retries exceeded" (flagged non-retriable): what
  // matters to us is whether that cause (usually "connection refused") can go away.
  if (error.name === "KafkaJSNumberOfRetriesExceeded" || error.name === "KafkaJSNonRetriableError") {
    const cause = (error as {originalError?: unknown}).originalError ?? error.cause;
    if (cause instanceof Error && cause !== error) return isRetriable(cause);
  }
  if (/^KafkaJS(Connection|ConnectionClosed|RequestTimeout|BrokerNotFound|NoBrokerAvailable|MetadataNotLoaded|TopicMetadataNotLoaded|LockTimeout)Error$/.test(error.name)) return true;
  const flag = (error as {retriable?: unknown}).retriable;
  if (typeof flag === "boolean") return flag;
  return NETWORK.test(`${error.message} ${String((error.cause as Error | undefined)?.message ?? "")}`);
}

/** The Kafka protocol error type (e.g. MESSAGE_TOO_LARGE) behind kafkajs' wrappers, if any. */
export function kafkaErrorType(error: unknown): string | undefined {
  for (let e = error as {type?: unknown; originalError?: unknown; cause?: unknown} | undefined, depth = 0; e && depth < 5; depth++) {
    if (typeof e.type === "string") return e.type;
    e = (e.originalError ?? e.cause) as typeof e;
  }
  return undefined;
}

/** An error's message with its cause (fetch and kafkajs put the useful part there). */
export function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error && !error.message.includes(error.cause.message) ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}

// ---- option checks (messages name the option and the value, as everywhere in the project) ----

export function checkBrokers(brokers: unknown): string[] {
  if (!Array.isArray(brokers) || brokers.length === 0 || !brokers.every((b) => typeof b === "string" && /^[^\s:]+:\d{1,5}$/.test(b))) {
    throw new OptionsError(`invalid brokers: ${JSON.stringify(brokers)} (expected ["host:port", ...])`);
  }
  return brokers;
}

/** Kafka's own rule (legal characters, at most 249), leaving room for the "-deletes" suffix. */
export function checkTopic(topic: unknown, name = "topic"): string {
  if (typeof topic !== "string" || !/^[a-zA-Z0-9._-]+$/.test(topic) || topic.length > 249 - "-deletes".length || topic === "." || topic === "..") {
    throw new OptionsError(`invalid ${name}: ${JSON.stringify(topic)} (letters, digits, . _ -, at most 241 characters)`);
  }
  return topic;
}

export function checkInt(value: unknown, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) throw new OptionsError(`invalid ${name}: ${value} (expected an integer from ${min} to ${max})`);
  return value;
}

// ---- client ----

export interface ClientOptions {
  clientId: string;
  brokers: string[];
  /** kafkajs log lines at `level` and above (default: errors only). */
  log?: (line: string) => void;
  level?: logLevel;
  /** Extra kafkajs settings for real clusters: ssl, sasl, timeouts... */
  kafkaConfig?: Partial<KafkaConfig>;
}

// kafkajs warns about this whenever an idempotent producer has finite retries. Ours are finite on
// purpose: the sink re-sends the identical batch itself (kafkajs rolled back the sequence numbers),
// which keeps the guarantee while letting the sink notice an outage and report it.
const EXPECTED_WARNINGS = [/Limiting retries for the idempotent producer/];

export function kafkaClient(options: ClientOptions): Kafka {
  const level = options.level ?? logLevel.ERROR;
  const log = options.log ?? ((line: string) => console.error(line));
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: 3_000,
    requestTimeout: 15_000,
    logLevel: level,
    logCreator: () => (entry: LogEntry) => {
      const {message, error} = entry.log as {message: string; error?: string};
      if (EXPECTED_WARNINGS.some((re) => re.test(message))) return;
      log(`kafka ${logLevel[entry.level]?.toLowerCase()} [${entry.namespace}] ${message}${error && !message.includes(error) ? `: ${error}` : ""}`);
    },
    ...options.kafkaConfig
  });
}

// ---- topics ----

export interface TopicSpec {
  topic: string;
  /** Partitions of both topics when they are created (deletes are keyed like toots: same partition count). */
  partitions: number;
  /** retention.ms of created topics (-1: forever); undefined: the broker's default. */
  retentionMs?: number;
  /** Warn when an existing topic has another partition count (only when the count was asked for). */
  warnOnMismatch?: boolean;
}

/**
 * Creates `<topic>` and `<topic>-deletes` when missing (racing creators are fine: "already exists"
 * counts as success). Existing topics are left alone: adding partitions would move keys to other
 * partitions, and Pinot's dedup relies on all copies of a toot sharing one. Returns warnings for
 * differences the caller should report.
 */
export async function ensureTopics(admin: Admin, spec: TopicSpec): Promise<string[]> {
  const wanted = [spec.topic, deletesTopic(spec.topic)];
  const existing = new Set(await admin.listTopics());
  const missing = wanted.filter((t) => !existing.has(t));
  if (missing.length > 0) {
    const configEntries = spec.retentionMs === undefined ? [] : [{name: "retention.ms", value: String(spec.retentionMs)}];
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({topic, numPartitions: spec.partitions, replicationFactor: -1, configEntries}))
    });
  }
  const warnings: string[] = [];
  const present = wanted.filter((t) => existing.has(t));
  if (spec.warnOnMismatch && present.length > 0) {
    const {topics} = await admin.fetchTopicMetadata({topics: present});
    for (const t of topics) {
      if (t.partitions.length !== spec.partitions) {
        warnings.push(`topic ${t.name} has ${t.partitions.length} partitions, not ${spec.partitions}; left as it is (adding partitions would move keys)`);
      }
    }
  }
  return warnings;
}
