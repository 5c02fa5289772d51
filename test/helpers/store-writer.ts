/**
 * A separate writer process for the store concurrency test: appends demo toots in small batches
 * and prints "durable N" each time N toots are on disk. Usage: tsx store-writer.ts ROOT TOTAL BATCH
 */
import {demoToots} from "../../listener/demo/generator.ts";
import {StoreSink} from "../../loaders/embedded/store-sink.ts";

const [root, total, batch] = [process.argv[2]!, Number(process.argv[3]), Number(process.argv[4])];
const sink = await StoreSink.open({root, flushIntervalMs: 60_000, compactEveryFlushes: 4});
let n = 0;
for (const toot of demoToots({toots: total, seed: 3})) {
  sink.write({kind: "toot", toot});
  if (++n % batch === 0) {
    await sink.flush();
    process.stdout.write(`durable ${n}\n`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
await sink.close();
process.stdout.write(`done ${n}\n`);
