import {mkdtempSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {openEmbedded} from "../loaders/embedded/engine.ts";
import {StoreSink} from "../loaders/embedded/store-sink.ts";
import {demoToots} from "../listener/demo/generator.ts";
import type {Result} from "./run.ts";

/** Embedded store: a toot written (default 500 ms flush) until a reader's query counts it. */
export async function freshness(): Promise<Result[]> {
  const root = mkdtempSync(join(tmpdir(), "bench-fresh-"));
  const sink = await StoreSink.open({root});
  const samples: number[] = [];
  const toots = [...demoToots({toots: 20})];
  sink.write({kind: "toot", toot: toots[0]!});
  await sink.flush();
  const engine = await openEmbedded({root, demo: false});
  for (let i = 1; i < toots.length; i++) {
    const t = performance.now();
    sink.write({kind: "toot", toot: toots[i]!});
    for (;;) {
      const [row] = await engine.query<{n: number}>({text: "SELECT count(*) AS n FROM toots"});
      if (row!.n === i + 1) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    samples.push(performance.now() - t);
  }
  await engine.close();
  await sink.close();
  samples.sort((a, b) => a - b);
  return [{name: "freshness-embedded", value: Math.round(samples[Math.floor(samples.length / 2)]!), unit: "ms (median)", detail: `max ${Math.round(samples.at(-1)!)} ms over ${samples.length}`}];
}
