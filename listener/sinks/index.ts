import {fileURLToPath} from "node:url";
import {StoreSink} from "../../loaders/embedded/store-sink.ts";
import {SinkUnavailableError} from "../errors.ts";
import type {Sink} from "../sink.ts";

export type SinkKind = "store" | "kafka";

export interface OpenSinkOptions {
  store?: {root: string; flushIntervalMs?: number};
  kafka?: {brokers: string[]; topic: string; schemaRegistry?: string};
  /** Errors of background work (flushes, Kafka sends): shown, never fatal. */
  onError?: (error: Error) => void;
  /** Where the Kafka sink lives; tests point it elsewhere. */
  kafkaModule?: string;
}

interface KafkaModule {
  openKafkaSink(options: {brokers: string[]; topic: string; schemaRegistry?: string; onError?: (e: Error) => void}): Promise<Sink>;
}

/**
 * Opens the chosen sink. Kafka is imported only when asked for, so the embedded default never
 * loads kafkajs, and a missing Kafka sink is a clear error instead of a crash at start-up.
 */
export async function openSink(kind: SinkKind, options: OpenSinkOptions): Promise<Sink> {
  if (kind === "store") {
    if (!options.store) throw new SinkUnavailableError("store sink: no store folder given");
    return StoreSink.open({root: options.store.root, ...(options.store.flushIntervalMs ? {flushIntervalMs: options.store.flushIntervalMs} : {}), ...(options.onError ? {onError: options.onError} : {})});
  }
  if (!options.kafka) throw new SinkUnavailableError("kafka sink: no brokers or topic given");
  const specifier = options.kafkaModule ?? new URL("./kafka.ts", import.meta.url).href;
  let module: Partial<KafkaModule>;
  try {
    module = (await import(specifier)) as Partial<KafkaModule>;
  } catch (error) {
    const code = (error as {code?: string}).code;
    // Only the sink file itself being absent means "not written yet"; a missing dependency of it is a real error.
    const target = specifier.startsWith("file:") ? fileURLToPath(specifier) : specifier;
    if (code === "ERR_MODULE_NOT_FOUND" && String((error as Error).message).includes(target)) {
      throw new SinkUnavailableError("kafka sink is not available: listener/sinks/kafka.ts is missing (use --sink store)", {cause: error});
    }
    throw new SinkUnavailableError(`kafka sink failed to load: ${(error as Error).message}`, {cause: error});
  }
  if (typeof module.openKafkaSink !== "function") {
    throw new SinkUnavailableError("kafka sink is not available: listener/sinks/kafka.ts does not export openKafkaSink");
  }
  try {
    return await module.openKafkaSink({...options.kafka, ...(options.onError ? {onError: options.onError} : {})});
  } catch (error) {
    throw new SinkUnavailableError(`kafka sink: cannot connect to ${options.kafka.brokers.join(",")}: ${(error as Error).message}`, {cause: error});
  }
}

/** The Kafka sink's state for the status line; other sinks have nothing to add. */
export function describeSink(sink: Sink | null): string | null {
  const stats = (sink as {stats?: () => {connected: boolean; sent: number; buffered: number; spilled: number; rejected: number; errors: number; lastError: string | null}} | null)?.stats?.();
  if (!stats) return null;
  return `kafka ${stats.connected ? "connected" : "unreachable"}, ${stats.sent} sent, ${stats.buffered} buffered, ${stats.spilled} spilled to disk, `
    + `${stats.rejected} rejected, ${stats.errors} errors${stats.connected || !stats.lastError ? "" : ` (last: ${stats.lastError})`}`;
}
