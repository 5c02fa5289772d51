/**
 * `npm run bench -- [--toots N] [--only NAME]`: speed targets live here, never in tests.
 * - generate: demo toots per second (generator + normalisation)
 * - store-write: toots per second into the embedded store (Parquet parts), then compaction time
 * - overview: latency of the overview query over the whole store (dedup view included)
 * - freshness: time from a writer's write() to a reader in another process seeing the toot
 * Results print as a table and are appended as JSON lines to bench/results.ndjson (git-ignored).
 */
import {appendFileSync, mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {parseArgs} from "node:util";
import {demoToots} from "../listener/demo/generator.ts";
import {overview} from "../loaders/catalogue/overview.ts";
import {compactStore} from "../loaders/embedded/compact.ts";
import {openEmbedded} from "../loaders/embedded/engine.ts";
import {StoreSink} from "../loaders/embedded/store-sink.ts";
import {benchmarks as extra} from "./registry.ts";

export interface Result {
  name: string;
  value: number;
  unit: string;
  detail?: string;
}

const {values} = parseArgs({options: {toots: {type: "string", default: "1000000"}, only: {type: "string"}}});
const toots = Number(values.toots);
if (!Number.isInteger(toots) || toots <= 0) throw new Error(`invalid toots: ${values.toots}`);
const root = mkdtempSync(join(tmpdir(), "bench-store-"));

const benchmarks: Record<string, () => Promise<Result[]>> = {
  async generate() {
    const n = Math.min(toots, 200_000);
    const t = performance.now();
    let count = 0;
    for (const _ of demoToots({toots: n})) count++;
    return [{name: "generate", value: Math.round(count / ((performance.now() - t) / 1000)), unit: "toots/s", detail: `${count} toots`}];
  },
  async "store-write"() {
    const sink = await StoreSink.open({root, flushIntervalMs: 60_000, maxBuffered: 100_000, compactEveryFlushes: 0});
    const t = performance.now();
    let n = 0;
    for (const toot of demoToots({toots, duplicates: 0.02})) {
      sink.write({kind: "toot", toot});
      if (++n % 100_000 === 0) await sink.flush();
    }
    await sink.close();
    const write = (performance.now() - t) / 1000;
    const c = performance.now();
    const compacted = await compactStore(root, {minParts: 2, targetBytes: 1 << 30});
    return [
      {name: "store-write", value: Math.round(n / write), unit: "toots/s", detail: `${n} records incl. 2% duplicates, generation included`},
      {name: "compact", value: Math.round((performance.now() - c)), unit: "ms", detail: `${compacted.toots.merged} parts → ${compacted.toots.rows} rows`}
    ];
  },
  async overview() {
    const engine = await openEmbedded({root, demo: false});
    try {
      const runs: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        await overview(engine, {hours: 24});
        runs.push(performance.now() - t);
      }
      runs.sort((a, b) => a - b);
      return [{name: "overview", value: Math.round(runs[2]!), unit: "ms (median of 5)", detail: `store of ${toots} toots`}];
    } finally {
      await engine.close();
    }
  },
  ...extra
};

const results: Result[] = [];
for (const [name, run] of Object.entries(benchmarks)) {
  if (values.only && values.only !== name) continue;
  process.stderr.write(`bench: ${name}…\n`);
  results.push(...(await run()));
}
rmSync(root, {recursive: true, force: true});
console.table(results);
const stamp = new Date().toISOString();
for (const r of results) appendFileSync(join(import.meta.dirname, "results.ndjson"), JSON.stringify({at: stamp, toots, ...r}) + "\n");
