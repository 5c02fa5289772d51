import {mkdtempSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {overview} from "../../loaders/catalogue/overview.ts";
import {openEmbedded} from "../../loaders/embedded/engine.ts";
import {StoreSink} from "../../loaders/embedded/store-sink.ts";
import type {Engine} from "../../loaders/engine.ts";
import {BASE, fixedDataset} from "../fixtures/dataset.ts";

const HOUR = 3_600_000;
let engine: Engine;

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), "overview-"));
  const sink = await StoreSink.open({root});
  for (const toot of fixedDataset()) sink.write({kind: "toot", toot});
  await sink.close();
  engine = await openEmbedded({root, demo: false});
});
afterAll(() => engine.close());

describe("overview on the fixed dataset", () => {
  test("totals, previous totals, minutes and servers for an explicit window", async () => {
    const result = await overview(engine, {hours: 1, to: BASE + HOUR, topServers: 2});
    expect(result.engine).toBe("embedded");
    expect(result.demo).toBe(false);
    expect(result.window).toEqual({from: BASE, to: BASE + HOUR, previousFrom: BASE - HOUR});
    expect(result.totals).toEqual({toots: 7, accounts: 4, servers: 3, languages: 4});
    expect(result.previous).toEqual({toots: 3, accounts: 2, servers: 2, languages: 1});
    expect(result.perMinute).toHaveLength(60);
    expect(result.perMinute.filter((m) => m.toots > 0)).toEqual([
      {minute: BASE, toots: 2}, {minute: BASE + 60_000, toots: 1}, {minute: BASE + 3 * 60_000, toots: 1},
      {minute: BASE + 30 * 60_000, toots: 1}, {minute: BASE + 59 * 60_000, toots: 2}
    ]);
    expect(result.topServers).toEqual([{server: "fosstodon.org", toots: 3}, {server: "mastodon.social", toots: 2}]);
  });

  test("the default window ends at the newest toot, rounded up to the minute", async () => {
    const result = await overview(engine, {hours: 0.5});
    expect(result.window).toEqual({from: BASE + 31 * 60_000, to: BASE + 61 * 60_000, previousFrom: BASE + 60_000});
    expect(result.totals).toEqual({toots: 3, accounts: 2, servers: 2, languages: 2});
  });

  test("an empty store gives an empty overview, not an error", async () => {
    const empty = await openEmbedded({root: mkdtempSync(join(tmpdir(), "empty-")), demo: false});
    const result = await overview(empty, {hours: 24});
    await empty.close();
    expect(result).toEqual({engine: "embedded", demo: false, window: null, totals: {toots: 0, accounts: 0, servers: 0, languages: 0},
      previous: {toots: 0, accounts: 0, servers: 0, languages: 0}, perMinute: [], topServers: []});
  });

  test("a bad window is refused", async () => {
    await expect(overview(engine, {hours: 0})).rejects.toThrow("invalid hours: 0");
  });
});
