import type {Result} from "./run.ts";
import {freshness} from "./freshness.ts";

/** Benchmarks that need more than the embedded store (a writer process, Kafka, Pinot). */
export const benchmarks: Record<string, () => Promise<Result[]>> = {freshness};
