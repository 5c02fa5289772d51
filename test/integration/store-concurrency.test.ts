import {spawn} from "node:child_process";
import {mkdtempSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {createInterface} from "node:readline";
import {describe, expect, test} from "vitest";
import {openEmbedded} from "../../loaders/embedded/engine.ts";
import {listParts} from "../../loaders/embedded/layout.ts";

const WRITER = join(import.meta.dirname, "../helpers/store-writer.ts");

function startWriter(root: string, total: number, batch: number) {
  const child = spawn("npx", ["tsx", WRITER, root, String(total), String(batch)], {stdio: ["ignore", "pipe", "inherit"]});
  const lines = createInterface({input: child.stdout!});
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve)); // attached now: exit may come early
  return {child, lines, exited};
}

async function count(root: string): Promise<number> {
  const engine = await openEmbedded({root, demo: false});
  try {
    const [row] = await engine.query<{n: number}>({text: "SELECT count(*) AS n FROM toots"});
    return row!.n;
  } finally {
    await engine.close();
  }
}

describe("embedded store across processes", () => {
  test("a reader sees every flushed toot while the writer appends and compacts, without lock errors", async () => {
    const root = mkdtempSync(join(tmpdir(), "concurrent-"));
    const {child, lines, exited} = startWriter(root, 6000, 200);
    const seen: number[] = [];
    for await (const line of lines) {
      const [word, n] = line.split(" ");
      if (word === "durable") {
        const visible = await count(root); // a fresh engine each time, as a data loader would
        expect(visible).toBeGreaterThanOrEqual(Number(n));
        seen.push(visible);
      }
      if (word === "done") break;
    }
    expect(await exited).toBe(0);
    expect(seen.length).toBe(30);
    expect(seen.every((n, i) => i === 0 || n >= seen[i - 1]!)).toBe(true);
    expect(await count(root)).toBe(6000);
    expect(listParts(root, "toots").length).toBeLessThan(30); // compaction ran while we read
  });

  test("one engine re-reads the parts at every query, so its counts rise", async () => {
    const root = mkdtempSync(join(tmpdir(), "rising-"));
    const {lines, exited} = startWriter(root, 2000, 500);
    let engine: Awaited<ReturnType<typeof openEmbedded>> | undefined;
    const counts: number[] = [];
    for await (const line of lines) {
      if (line.startsWith("durable")) {
        engine ??= await openEmbedded({root, demo: false});
        const [row] = await engine.query<{n: number}>({text: "SELECT count(*) AS n FROM toots"});
        counts.push(row!.n);
      }
      if (line.startsWith("done")) break;
    }
    await engine!.close();
    await exited;
    expect(counts).toEqual([500, 1000, 1500, 2000]);
  });

  test("a killed writer loses only what it had not flushed, and the store stays readable", async () => {
    const root = mkdtempSync(join(tmpdir(), "killed-"));
    const {child, lines, exited} = startWriter(root, 100_000, 1000);
    let durable = 0;
    for await (const line of lines) {
      durable = Number(line.split(" ")[1]);
      if (durable >= 3000) break;
    }
    child.kill("SIGKILL");
    await exited;
    const after = await count(root);
    expect(after).toBeGreaterThanOrEqual(durable);
    expect(after % 1000).toBe(0); // whole flushes only: nothing half-written is visible
  });
});
