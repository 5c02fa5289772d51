/**
 * `npm run demo -- [--toots N] [--seed S] [--days D] [--end ISO] [--duplicates P] [--ndjson]`
 * Writes deterministic demo toots into the embedded store (or NDJSON to stdout). Streams, so
 * --toots 10000000 runs in constant memory.
 */
import {parseArgs} from "node:util";
import {loaderConfig} from "../../loaders/config.ts";
import {StoreSink} from "../../loaders/embedded/store-sink.ts";
import {DEMO_DEFAULTS, demoToots, type DemoOptions} from "./generator.ts";

function options(argv: string[]): {demo: DemoOptions; ndjson: boolean; store: string} {
  const {values} = parseArgs({
    args: argv,
    options: {
      toots: {type: "string"}, seed: {type: "string"}, days: {type: "string"}, end: {type: "string"},
      duplicates: {type: "string"}, ndjson: {type: "boolean", default: false}, store: {type: "string"}
    }
  });
  const number = (name: string, value: string | undefined, fallback: number, ok: (n: number) => boolean) => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!ok(n)) throw new Error(`invalid ${name}: ${value}`);
    return n;
  };
  const end = values.end === undefined ? DEMO_DEFAULTS.end : Date.parse(values.end);
  if (!Number.isFinite(end)) throw new Error(`invalid end: ${values.end}`);
  return {
    demo: {
      toots: number("toots", values.toots, DEMO_DEFAULTS.toots, (n) => Number.isInteger(n) && n >= 0),
      seed: number("seed", values.seed, DEMO_DEFAULTS.seed, Number.isInteger),
      days: number("days", values.days, DEMO_DEFAULTS.days, (n) => n > 0 && n <= 366),
      duplicates: number("duplicates", values.duplicates, DEMO_DEFAULTS.duplicates, (n) => n >= 0 && n <= 1),
      end
    },
    ndjson: values.ndjson!,
    store: values.store ?? loaderConfig().store
  };
}

async function main(): Promise<void> {
  const {demo, ndjson, store} = options(process.argv.slice(2));
  if (ndjson) {
    for (const toot of demoToots(demo)) {
      if (!process.stdout.write(JSON.stringify(toot) + "\n")) await new Promise((r) => process.stdout.once("drain", r));
    }
    return;
  }
  const sink = await StoreSink.open({root: store, flushIntervalMs: 60_000, maxBuffered: 200_000, compactEveryFlushes: 0});
  const started = performance.now();
  let n = 0;
  for (const toot of demoToots(demo)) {
    sink.write({kind: "toot", toot});
    if (++n % 200_000 === 0) {
      await sink.flush();
      process.stderr.write(`demo: ${n.toLocaleString("en-US")} toots\n`);
    }
  }
  await sink.close();
  const seconds = (performance.now() - started) / 1000;
  console.error(`demo: wrote ${n.toLocaleString("en-US")} toots (seed ${demo.seed}, ${demo.days} days to ${new Date(demo.end).toISOString()}) to ${store} in ${seconds.toFixed(1)} s`);
}

main().catch((error: Error) => {
  console.error(`demo: ${error.message}`);
  process.exitCode = 1;
});
