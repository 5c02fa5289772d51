/** The Kafka sink's options, checked once at the boundary, and the stats it reports. */
import {dirname, join, resolve} from "node:path";
import {fileURLToPath} from "node:url";
import type {KafkaConfig} from "kafkajs";
import {OptionsError} from "../errors.ts";
import {checkBrokers, checkInt, checkTopic} from "./kafka-client.ts";
import {SchemaRegistryClient} from "./registry.ts";

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export interface KafkaSinkOptions {
  brokers: string[];
  topic: string;
  /** Confluent-compatible registry URL (default: env SCHEMA_REGISTRY_URL); without one, ids are localSchemaId(). */
  schemaRegistry?: string;
  /** Partitions of the two topics when this sink creates them (default 4). Existing topics are kept. */
  partitions?: number;
  /** retention.ms of topics this sink creates (-1: forever; default: the broker's). */
  retentionMs?: number;
  /** Every failure and warning; the sink itself never throws at the listener after open. */
  onError?: (e: Error) => void;
  clientId?: string;
  /** Most events per produce request (default 2000). */
  batchSize?: number;
  /** Most bytes per produce request (default 900 kB: under the broker's 1 MB message.max.bytes). */
  batchBytes?: number;
  /** How long a partial batch waits for company (default 20 ms). */
  lingerMs?: number;
  /** Events kept in memory before the oldest spill to disk (default 20000). */
  maxBuffered?: number;
  /** Spill folder (default data/kafka-spill/<topic>). */
  spillDir?: string;
  /** close() waits this long for Kafka before spilling what is left (default 10 s). */
  closeTimeoutMs?: number;
  compression?: "none" | "gzip";
  /** Extra kafkajs client settings for real clusters (ssl, sasl, ...). */
  kafkaConfig?: Partial<KafkaConfig>;
}

export interface KafkaSinkStats {
  /** The last exchange with Kafka (and the registry) succeeded. */
  connected: boolean;
  /** Events waiting in memory, including the batch being sent. */
  buffered: number;
  /** Events waiting in spill files. */
  spilled: number;
  /** Events acknowledged by Kafka since open. */
  sent: number;
  /** Failed attempts (connect, setup, send) since open. */
  errors: number;
  /** Events that can never be sent (not encodable, too large); reported through onError. */
  rejected: number;
  lastError: string | null;
  /** Schema ids in the message headers, once known. */
  schemaIds: {toot: number; deletion: number} | null;
}

export type Checked = Required<Omit<KafkaSinkOptions, "schemaRegistry" | "retentionMs" | "kafkaConfig">> & Pick<KafkaSinkOptions, "schemaRegistry" | "retentionMs" | "kafkaConfig"> & {partitionsAsked: boolean};

export function checkOptions(o: KafkaSinkOptions): Checked {
  const registry = o.schemaRegistry ?? (process.env.SCHEMA_REGISTRY_URL || undefined);
  if (registry !== undefined) new SchemaRegistryClient(registry); // throws "invalid schema registry URL: ..."
  if (o.retentionMs !== undefined && o.retentionMs !== -1) checkInt(o.retentionMs, "retentionMs", 1);
  if (o.compression !== undefined && o.compression !== "none" && o.compression !== "gzip") throw new OptionsError(`invalid compression: ${o.compression} (none or gzip)`);
  const topic = checkTopic(o.topic);
  return {
    brokers: checkBrokers(o.brokers),
    topic,
    schemaRegistry: registry,
    partitions: checkInt(o.partitions ?? 4, "partitions", 1, 10_000),
    partitionsAsked: o.partitions !== undefined,
    retentionMs: o.retentionMs,
    onError: o.onError ?? ((e) => console.error(e.message)),
    clientId: o.clientId ?? "observatory-listener",
    batchSize: checkInt(o.batchSize ?? 2000, "batchSize", 1, 100_000),
    batchBytes: checkInt(o.batchBytes ?? 900_000, "batchBytes", 1024),
    lingerMs: checkInt(o.lingerMs ?? 20, "lingerMs", 0, 60_000),
    maxBuffered: checkInt(o.maxBuffered ?? 20_000, "maxBuffered", 1),
    spillDir: o.spillDir ?? join(PROJECT_ROOT, "data", "kafka-spill", topic),
    closeTimeoutMs: checkInt(o.closeTimeoutMs ?? 10_000, "closeTimeoutMs", 0),
    compression: o.compression ?? "none",
    kafkaConfig: o.kafkaConfig
  };
}

