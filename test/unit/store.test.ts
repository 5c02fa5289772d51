import {mkdtempSync, readdirSync, renameSync, rmSync, utimesSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterEach, describe, expect, test} from "vitest";
import {compactStore} from "../../loaders/embedded/compact.ts";
import {openEmbedded} from "../../loaders/embedded/engine.ts";
import {listParts} from "../../loaders/embedded/layout.ts";
import {StoreSink} from "../../loaders/embedded/store-sink.ts";
import type {Engine} from "../../loaders/engine.ts";
import {makeToot, T0} from "../fixtures/toots.ts";

const opened: Engine[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((e) => e.close()));
});

function freshStore(): string {
  return mkdtempSync(join(tmpdir(), "store-test-"));
}

async function query<T>(root: string, text: string): Promise<T[]> {
  const engine = await openEmbedded({root, demo: false});
  opened.push(engine);
  return engine.query<T>({text});
}

describe("embedded store", () => {
  test("the same uri seen twice counts once; the first copy received is kept", async () => {
    const root = freshStore();
    const sink = await StoreSink.open({root, flushIntervalMs: 60_000});
    sink.write({kind: "toot", toot: makeToot({uri: "https://a/1", source_server: "a", received_at: T0 + 10})});
    sink.write({kind: "toot", toot: makeToot({uri: "https://a/2"})});
    await sink.flush();
    sink.write({kind: "toot", toot: makeToot({uri: "https://a/1", source_server: "b", received_at: T0 + 20})});
    await sink.close();
    expect(listParts(root, "toots")).toHaveLength(2);
    expect(await query(root, "SELECT uri, source_server FROM toots ORDER BY uri")).toEqual([
      {uri: "https://a/1", source_server: "a"},
      {uri: "https://a/2", source_server: "mastodon.social"}
    ]);
  });

  test("an edit replaces the text; a delete drops the text but keeps the count", async () => {
    const root = freshStore();
    const sink = await StoreSink.open({root});
    sink.write({kind: "toot", toot: makeToot({uri: "https://a/1", id: "11", text: "first"})});
    sink.write({kind: "edit", toot: makeToot({uri: "https://a/1", id: "11", text: "edited", edited_at: T0 + 5000, received_at: T0 + 6000})});
    sink.write({kind: "toot", toot: makeToot({uri: "https://a/2", id: "12", text: "bye"})});
    sink.write({kind: "toot", toot: makeToot({uri: "https://a/3", id: "13", text: "by uri"})});
    sink.write({kind: "delete", deletion: {source_server: "mastodon.social", id: "12", uri: null, deleted_at: T0 + 9000}});
    sink.write({kind: "delete", deletion: {source_server: "elsewhere", id: "99", uri: "https://a/3", deleted_at: T0 + 9000}});
    await sink.close();
    expect(await query(root, "SELECT uri, text FROM toots ORDER BY uri")).toEqual([
      {uri: "https://a/1", text: "edited"},
      {uri: "https://a/2", text: null},
      {uri: "https://a/3", text: null}
    ]);
  });

  test("compaction merges small parts, dedups, applies deletes, and answers stay the same", async () => {
    const root = freshStore();
    const sink = await StoreSink.open({root, compactEveryFlushes: 0});
    for (let i = 0; i < 10; i++) {
      sink.write({kind: "toot", toot: makeToot({uri: `https://a/${i}`, id: String(i), created_at: T0 + i})});
      sink.write({kind: "toot", toot: makeToot({uri: `https://a/${i}`, id: String(100 + i), source_server: "b", received_at: T0 + 5000})});
      await sink.flush();
    }
    sink.write({kind: "delete", deletion: {source_server: "mastodon.social", id: "3", uri: null, deleted_at: T0}});
    await sink.close();
    const before = await query(root, "SELECT uri, source_server, text FROM toots ORDER BY uri");
    const result = await compactStore(root, {minParts: 8});
    expect(result.toots).toEqual({merged: 10, rows: 10});
    expect(listParts(root, "toots").map((p) => p.name[0])).toEqual(["c"]);
    const rawRows = await query<{n: number}>(root, "SELECT count(*) AS n FROM raw_toots");
    expect(rawRows).toEqual([{n: 10}]);
    expect(await query(root, "SELECT uri, source_server, text FROM toots ORDER BY uri")).toEqual(before);
    expect(before.filter((r) => (r as {text: unknown}).text === null)).toEqual([{uri: "https://a/3", source_server: "mastodon.social", text: null}]);
  });

  test("a killed writer's half-written file is ignored and later removed", async () => {
    const root = freshStore();
    const sink = await StoreSink.open({root});
    sink.write({kind: "toot", toot: makeToot({uri: "https://a/1"})});
    await sink.close();
    const stale = join(root, "toots", "p-00000000000001-1-000001.parquet.tmp");
    writeFileSync(stale, "PAR1 truncated");
    expect(await query(root, "SELECT count(*) AS n FROM toots")).toEqual([{n: 1}]);
    const temporaries = () => readdirSync(join(root, "toots")).filter((n) => n.endsWith(".tmp"));
    // A fresh temporary may belong to a live writer: kept until it is a minute old.
    await (await StoreSink.open({root})).close();
    expect(temporaries()).toEqual(["p-00000000000001-1-000001.parquet.tmp"]);
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    utimesSync(stale, twoMinutesAgo, twoMinutesAgo);
    await (await StoreSink.open({root})).close();
    expect(temporaries()).toEqual([]);
  });

  test("an empty store serves demo data, and says so", async () => {
    const engine = await openEmbedded({root: freshStore(), demo: {toots: 500}});
    opened.push(engine);
    expect(engine.demo).toBe(true);
    expect(await engine.query({text: "SELECT count(*) AS n FROM toots"})).toEqual([{n: 500}]);
  });

  test("a flush that fails keeps its records for the next attempt", async () => {
    const root = freshStore();
    const sink = await StoreSink.open({root, flushIntervalMs: 60_000});
    sink.write({kind: "toot", toot: makeToot({uri: "https://a/1"})});
    // Make the part folder unwritable in a way that also holds for root: a file where it should be.
    renameSync(join(root, "toots"), join(root, "toots.away"));
    writeFileSync(join(root, "toots"), "");
    await expect(sink.flush()).rejects.toThrow(/^store flush to .* failed/);
    expect(sink.buffered).toBe(1);
    rmSync(join(root, "toots"));
    renameSync(join(root, "toots.away"), join(root, "toots"));
    await sink.close();
    expect(sink.buffered).toBe(0);
    expect(await query(root, "SELECT uri FROM toots")).toEqual([{uri: "https://a/1"}]);
  });
});
