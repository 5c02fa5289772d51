/**
 * The same records, written to the embedded store directly and through Kafka into the real local
 * Pinot, give the same answer to every catalogue question. This is the promise that moving from a
 * laptop to a cluster does not change the report.
 */
import {mkdtempSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {demoToots} from "../../listener/demo/generator.ts";
import type {Toot} from "../../listener/record/schema.ts";
import {openKafkaSink} from "../../listener/sinks/kafka.ts";
import {catalogue} from "../../loaders/catalogue/index.ts";
import {openEmbedded} from "../../loaders/embedded/engine.ts";
import {StoreSink} from "../../loaders/embedded/store-sink.ts";
import type {Engine} from "../../loaders/engine.ts";
import {openPinot} from "../../loaders/pinot/engine.ts";
import {DEFAULT_TOPIC, setup} from "../../pinot/setup.ts";
import {kafkaBrokers} from "../../stack/kafka.ts";
import {pinotBrokerUrl, pinotControllerUrl} from "../../stack/pinot.ts";
import {BASE, fixedDataset} from "../fixtures/dataset.ts";

const HOUR = 3_600_000;
// The Pinot table is shared and keeps what earlier runs wrote, so each run puts its demo in a day
// of its own, ten days from any other run's (the widest question, the weekly rhythm, looks back
// seven): 1990 onwards, derived from the clock. The data are deterministic for a given day, and
// only the two engines' answers are compared. The fixed dataset is the same every run, so Pinot's
// dedup makes a rerun a no-op there.
const DEMO_END = Date.UTC(1990, 0, 1) + (Math.floor(Date.now() / 1000) % 1000) * 10 * 86_400_000;
const windows = [
  {name: "fixed dataset, 1 hour", hours: 1, to: BASE + HOUR},
  {name: "demo, 24 hours", hours: 24, to: DEMO_END},
  {name: "demo, 6 hours mid-span", hours: 6, to: DEMO_END - 9 * HOUR}
];

let embedded: Engine;
let pinot: Engine;

function dataset(): Toot[] {
  return [...fixedDataset(), ...demoToots({toots: 4000, seed: 11, days: 1, end: DEMO_END, duplicates: 0.05})];
}

async function pinotCount(engine: Engine, from: number, to: number): Promise<number> {
  const [row] = await engine.query<{n: number}>({text: "SELECT COUNT(*) AS n FROM mastodon WHERE created_at >= $from AND created_at < $to", params: {from, to}});
  return row?.n ?? 0;
}

beforeAll(async () => {
  const toots = dataset();
  const root = mkdtempSync(join(tmpdir(), "equivalence-"));
  const store = await StoreSink.open({root});
  for (const toot of toots) store.write({kind: "toot", toot});
  await store.close();
  embedded = await openEmbedded({root, demo: false});

  await setup({controller: pinotControllerUrl(), broker: pinotBrokerUrl(), kafka: kafkaBrokers().join(","), topic: DEFAULT_TOPIC, timeoutMs: 120_000}, () => {});
  const kafka = await openKafkaSink({brokers: kafkaBrokers(), topic: DEFAULT_TOPIC});
  for (const toot of toots) kafka.write({kind: "toot", toot});
  await kafka.close();
  expect(kafka.stats()).toMatchObject({buffered: 0, spilled: 0, rejected: 0});

  pinot = await openPinot({broker: pinotBrokerUrl()});
  const unique = new Set(toots.map((t) => t.uri)).size;
  const ranges: [number, number][] = [[BASE - 2 * HOUR, BASE + 2 * HOUR], [DEMO_END - 2 * 86_400_000, DEMO_END + 60_000]];
  const deadline = Date.now() + 90_000;
  let seen = 0;
  while (Date.now() < deadline) {
    seen = (await pinotCount(pinot, ...ranges[0]!)) + (await pinotCount(pinot, ...ranges[1]!));
    if (seen >= unique) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  expect(seen, "rows ingested by Pinot (deduplicated by uri)").toBe(unique);
}, 240_000);

afterAll(async () => {
  await embedded?.close();
  await pinot?.close();
});

describe("every catalogue question gives the same answer on the embedded store and on Pinot", () => {
  for (const [name, question] of Object.entries(catalogue)) {
    for (const window of windows) {
      test(`${name}: ${window.name}`, async () => {
        const {engine: _e, ...fromEmbedded} = (await question(embedded, window)) as {engine: string};
        const {engine: _p, ...fromPinot} = (await question(pinot, window)) as {engine: string};
        expect(fromPinot).toEqual(fromEmbedded);
        const answer = fromEmbedded as {rows?: unknown[]; perMinute?: unknown[]};
        expect((answer.rows ?? answer.perMinute)!.length).toBeGreaterThan(0); // not an empty answer on both sides
      });
    }
  }

  test("Pinot errors fail with Pinot's message", async () => {
    await expect(pinot.query({text: "SELECT nosuchcolumn FROM mastodon LIMIT 1"})).rejects.toThrow(
      "pinot: [710] UnknownColumnError: org.apache.pinot.spi.exception.BadQueryRequestException: Unknown columnName 'nosuchcolumn' found in the query (query: SELECT nosuchcolumn FROM mastodon LIMIT 1)");
  });
});
