// The Kafka sink's spill files (no broker needed): order is kept (the batch in flight first, then
// spilled batches as written), files survive a restart and are taken over from dead processes,
// and lines that must not be sent are kept aside and reported, never silently dropped.
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, describe, expect, test} from "vitest";
import {Spill, type Batch} from "../../listener/sinks/spill.ts";

const tmp = mkdtempSync(join(tmpdir(), "kafka-spill-test-"));
afterAll(() => rmSync(tmp, {recursive: true, force: true}));

const batch = (...keys: string[]): Batch => keys.map((key) => ({topic: key.startsWith("d") ? 1 : 0, key, body: Buffer.from(`body of ${key}`)}));
const keysOf = (b: Batch | undefined) => b?.map((m) => `${m.topic}:${m.key}:${m.body.toString()}`);

async function drain(spill: Spill): Promise<string[][]> {
  const out: string[][] = [];
  for (let b = await spill.peek(); b; b = await spill.peek()) {
    out.push(keysOf(b)!);
    await spill.ack();
  }
  return out;
}

describe("spill", () => {
  test("replays in order: the prepended batch (in flight) first, then appended batches as written", async () => {
    const dir = join(tmp, "order");
    const errors: Error[] = [];
    const spill = Spill.open(dir, "fp1", (e) => errors.push(e));
    spill.append([batch("a1", "a2"), batch("d1")]);
    spill.append([batch("a3")]);
    spill.prepend(batch("first"));
    await spill.sync();
    expect(spill.events).toBe(5);
    expect(await drain(spill)).toEqual([keysOf(batch("first")), keysOf(batch("a1", "a2")), keysOf(batch("d1")), keysOf(batch("a3"))]);
    expect(spill.events).toBe(0);
    expect(readdirSync(dir)).toEqual([]); // replayed files are removed
    await spill.close();
    expect(errors).toEqual([]);
  });

  test("appends during a replay go after it; files survive a restart and are taken over from dead processes", async () => {
    const dir = join(tmp, "restart");
    const first = Spill.open(dir, "fp1", () => {});
    first.append([batch("a1"), batch("a2")]);
    expect(keysOf(await first.peek())).toEqual(keysOf(batch("a1")));
    first.append([batch("a3")]); // a new segment: the one being replayed is closed
    await first.close();

    // A segment left by a process that is gone (pid 2^22+1 is above Linux's pid_max default range).
    const orphan = JSON.stringify({v: 1, fp: "fp1", m: [[0, "z1", Buffer.from("body of z1").toString("base64")]]});
    writeFileSync(join(dir, `9999999999999999-${2 ** 22 + 1}.ndjson`), `${orphan}\n`);

    const second = Spill.open(dir, "fp1", () => {});
    expect(second.events).toBe(4);
    expect(readdirSync(dir).every((f) => f.endsWith(`-${process.pid}.ndjson`))).toBe(true); // adopted
    expect(await drain(second)).toEqual([keysOf(batch("a1")), keysOf(batch("a2")), keysOf(batch("a3")), keysOf(batch("z1"))]);
    await second.close();
  });

  test("lines of another schema version are kept in a .stale file, broken lines skipped — both reported", async () => {
    const dir = join(tmp, "stale");
    const writer = Spill.open(dir, "old-schema", () => {});
    writer.append([batch("old1")]);
    await writer.close();
    const [file] = readdirSync(dir);
    writeFileSync(join(dir, file!), readFileSync(join(dir, file!), "utf8") + '{"v":1,"fp":"new-schema","m":[[0,"new1","Ym9keSBvZiBuZXcx"]]}\n{"trunc');

    const errors: Error[] = [];
    const reader = Spill.open(dir, "new-schema", (e) => errors.push(e));
    expect(await drain(reader)).toEqual([keysOf(batch("new1"))]);
    await reader.close();
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/1 unreadable line/),
      expect.stringMatching(/1 batch\(es\) written with another schema version kept in .*\.stale/)
    ]);
    const stale = readdirSync(dir).filter((f) => f.endsWith(".stale"));
    expect(stale).toHaveLength(1);
    expect(readFileSync(join(dir, stale[0]!), "utf8")).toContain('"old1"');
    expect(reader.events).toBe(0);
  });

  test("one folder per sink in a process", () => {
    const dir = join(tmp, "shared");
    const spill = Spill.open(dir, "fp", () => {});
    expect(() => Spill.open(dir, "fp", () => {})).toThrow(`invalid spillDir: ${dir} is already used by another Kafka sink in this process`);
    void spill.close();
  });
});
