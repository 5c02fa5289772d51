// The listener CLI as a child process against local fake servers: what an operator runs.
import {spawn, type ChildProcess} from "node:child_process";
import {mkdtempSync, readFileSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, afterEach, describe, expect, test} from "vitest";
import {PROJECT_ROOT} from "../../loaders/config.ts";
import {openEmbedded} from "../../loaders/embedded/engine.ts";
import {startFakeMastodon, type FakeMastodon} from "../../listener/fake/server.ts";
import {tokenVariable} from "../../listener/sources/supervisor.ts";
import {status, waitFor} from "./helpers.ts";

interface Run {
  child: ChildProcess;
  output(): string;
  exit: Promise<{code: number | null; signal: NodeJS.Signals | null; at: number}>;
}

const children: ChildProcess[] = [];
const fakes: FakeMastodon[] = [];
const dirs: string[] = [];

/** node --import tsx listener/cli.ts: no npx/tsx wrapper in between, so signals reach the listener itself. */
function listen(args: string[], env: Record<string, string> = {}): Run {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(MASTODON_|OBSERVATORY_STORE|KAFKA_)/.test(k)));
  const child = spawn(process.execPath, ["--import", "tsx", "listener/cli.ts", ...args], {
    cwd: PROJECT_ROOT, env: {...clean, MASTODON_TOKEN: "", ...env}, stdio: ["ignore", "pipe", "pipe"]
  });
  children.push(child);
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exit = new Promise<{code: number | null; signal: NodeJS.Signals | null; at: number}>((resolve) =>
    child.on("exit", (code, signal) => resolve({code, signal, at: Date.now()})));
  return {child, output: () => output, exit};
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "listener-cli-"));
  dirs.push(dir);
  return dir;
}

async function fake(options: Parameters<typeof startFakeMastodon>[0] = {}): Promise<FakeMastodon> {
  const f = await startFakeMastodon({pingIntervalMs: 0, ...options});
  fakes.push(f);
  return f;
}

/** The last "N toots" the status line printed for a server. */
function tootsShown(output: string, host: string): number {
  const lines = output.split("\n").filter((l) => l.includes(`${host} `) && l.includes(" toots, "));
  const m = /(\d+) toots, /.exec(lines.at(-1) ?? "");
  return m ? Number(m[1]) : -1;
}

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});
afterAll(() => {
  for (const d of dirs) rmSync(d, {recursive: true, force: true});
});

async function count(root: string): Promise<{n: number; uris: number; texts: number; edited: number}> {
  const engine = await openEmbedded({root, demo: false});
  try {
    const [row] = await engine.query<{n: number; uris: number; texts: number; edited: number}>({
      text: "SELECT count(*)::INT AS n, count(DISTINCT uri)::INT AS uris, count(text)::INT AS texts, count(edited_at)::INT AS edited FROM toots"
    });
    return row!;
  } finally {
    await engine.close();
  }
}

describe("listener CLI", () => {
  test("SIGTERM flushes everything to the store and exits 0 promptly; the recording replays to the same store", async () => {
    const f = await fake({requireToken: true});
    const store = tempDir();
    const recording = join(tempDir(), "events.ndjson");
    const run = listen(["--server", f.url, "--sink", "store", "--store", store, "--flush", "60", "--record", recording, "--status-interval", "0.2"],
      {[tokenVariable(f.host)]: "cli-test-token"});
    await f.waitForClients(1, 20_000);
    const posted = Array.from({length: 30}, () => f.post(status()));
    f.edit({id: posted[0]!.id, content: "<p>edited</p>"});
    f.delete(posted[1]!.id);
    await waitFor(() => tootsShown(run.output(), f.host) === 30 && /1 edits, 1 deletes/.test(run.output()), "the listener to report 30 toots", 15_000);
    // The store writes every 60 s (--flush): all 30 are still buffered when the signal comes.
    const signalled = Date.now();
    run.child.kill("SIGTERM");
    const exit = await run.exit;
    expect(exit.code, run.output()).toBe(0);
    expect(exit.at - signalled).toBeLessThan(3000);
    expect(await count(store)).toEqual({n: 30, uris: 30, texts: 29, edited: 1});

    const lines = readFileSync(recording, "utf8").trim().split("\n").map((l) => JSON.parse(l) as {kind: string});
    expect(lines.filter((l) => l.kind === "update")).toHaveLength(30);
    const replayStore = tempDir();
    const replay = listen(["--replay", recording, "--speed", "0", "--store", replayStore, "--quiet"]);
    const replayExit = await replay.exit;
    expect(replayExit.code, replay.output()).toBe(0);
    expect(await count(replayStore)).toEqual({n: 30, uris: 30, texts: 29, edited: 1});
  });

  test("tokens never appear in the output, whatever happens", async () => {
    const tokenA = "SECRET-a7f3c9e1d2b4-token";
    const tokenB = "SECRET-b8e4d0f2a3c5-token";
    const a = await fake({requireToken: true, tokens: [tokenA]});
    const b = await fake({requireToken: true, tokens: ["something-else"]});
    const run = listen(["--server", a.url, "--server", b.url, "--status-interval", "0.2", "--watchdog", "1", "--poll", "0.2", "--store", tempDir()],
      {[tokenVariable(a.host)]: tokenA, [tokenVariable(b.host)]: tokenB, MASTODON_TOKEN: "SECRET-unused-general-token"});
    await a.waitForClients(1, 20_000); // streaming with the right token
    a.post(status());
    b.post(status());
    await waitFor(() => tootsShown(run.output(), a.host) === 1 && tootsShown(run.output(), b.host) === 1, "a toot from each server", 15_000);
    a.dropConnections({refuseMs: 500}); // errors, reconnects, backfill
    a.sendRaw("garbage");
    await waitFor(() => /stream silent for|stream closed/.test(run.output()), "a reported connection error", 15_000);
    await a.waitForClients(1, 10_000);
    run.child.kill("SIGTERM");
    expect((await run.exit).code).toBe(0);
    const output = run.output();
    expect(output).toContain("streaming refused the token (HTTP 401)");
    expect(output).toContain("MASTODON_TOKEN is not used with 2 servers");
    for (const secret of [tokenA, tokenB, "SECRET-unused-general-token", "SECRET"]) expect(output).not.toContain(secret);
  });

  test("bad options fail fast with a message naming them; a token on the command line is refused unseen", async () => {
    const bad = listen(["--server", "http://127.0.0.1:9", "--watchdog", "-1"]);
    expect((await bad.exit).code).toBe(2);
    expect(bad.output()).toContain("invalid watchdog: -1");

    const token = listen(["--server", "http://127.0.0.1:9", "--token", "SECRET-on-argv"]);
    expect((await token.exit).code).toBe(2);
    expect(token.output()).toContain("tokens are read from the environment only");
    expect(token.output()).not.toContain("SECRET-on-argv");

    const none = listen([]);
    expect((await none.exit).code).toBe(2);
    expect(none.output()).toContain("no servers");
  });
});
