import {demoToots} from "../listener/demo/generator.ts";
import {openKafkaSink} from "../listener/sinks/kafka.ts";
import {openPinot} from "../loaders/pinot/engine.ts";
import {DEFAULT_TOPIC, setup} from "../pinot/setup.ts";
import {kafkaBrokers} from "../stack/kafka.ts";
import {brokerAnswers, pinotBrokerUrl, pinotControllerUrl} from "../stack/pinot.ts";
import type {Result} from "./run.ts";

/** Kafka → Pinot: from the sink's write() until a broker query finds the toot by its uri. */
export async function freshnessPinot(): Promise<Result[]> {
  if (!(await brokerAnswers(pinotBrokerUrl()))) {
    return [{name: "freshness-pinot", value: NaN, unit: "ms", detail: "not measured: no Pinot broker (npm run stack -- up)"}];
  }
  await setup({controller: pinotControllerUrl(), broker: pinotBrokerUrl(), kafka: kafkaBrokers().join(","), topic: DEFAULT_TOPIC, timeoutMs: 60_000}, () => {});
  const sink = await openKafkaSink({brokers: kafkaBrokers(), topic: DEFAULT_TOPIC, lingerMs: 5});
  const pinot = await openPinot({broker: pinotBrokerUrl()});
  // Toots of a day of their own (derived from the clock) so earlier runs' rows never match.
  const end = Date.UTC(2019, 0, 1) - (Math.floor(Date.now() / 1000) % 3000) * 86_400_000;
  const samples: number[] = [];
  try {
    for (const toot of demoToots({toots: 15, days: 1, end, seed: 5})) {
      const t = performance.now();
      sink.write({kind: "toot", toot});
      for (;;) {
        const [row] = await pinot.query<{n: number}>({text: "SELECT COUNT(*) AS n FROM mastodon WHERE uri = $uri", params: {uri: toot.uri}});
        if (row!.n >= 1) break;
        if (performance.now() - t > 60_000) throw new Error(`toot ${toot.uri} not visible in Pinot after 60 s`);
        await new Promise((r) => setTimeout(r, 25));
      }
      samples.push(performance.now() - t);
    }
  } finally {
    await sink.close();
    await pinot.close();
  }
  samples.sort((a, b) => a - b);
  return [{name: "freshness-pinot", value: Math.round(samples[Math.floor(samples.length / 2)]!), unit: "ms (median)", detail: `max ${Math.round(samples.at(-1)!)} ms over ${samples.length}, write() → broker query`}];
}
