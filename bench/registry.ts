import type {Result} from "./run.ts";
import {freshness} from "./freshness.ts";
import {freshnessPinot} from "./freshness-pinot.ts";

/** Benchmarks beyond the embedded store's write and read paths. */
export const benchmarks: Record<string, () => Promise<Result[]>> = {freshness, "freshness-pinot": freshnessPinot};
