/**
 * `npm run fake-mastodon -- [options]`: local Mastodon servers for demos and manual tests, fed by
 * the demo generator. With `npm run dev` and `npm run listen` this is live collection end to end,
 * without the internet.
 */
import {parseArgs} from "node:util";
import {FOLLOWED} from "../demo/world.ts";
import {tokenVariable} from "../sources/supervisor.ts";
import {driveDemo, type Driver} from "./driver.ts";
import {startFakeMastodon, type FakeMastodon} from "./server.ts";

const USAGE = `Usage: npm run fake-mastodon -- [options]

  --port N             first port (default 4000, clear of the site preview's 3000; 0: free ports); servers use N, N+1, ...
  --servers K          how many servers (default 2), named after the demo's followed servers
  --host H             address to bind (default 127.0.0.1)
  --rate R             demo statuses per second across all servers (default 20; 0: none)
  --duplicates P       share of toots relayed by two servers (default 0.05)
  --edits P            share of posts followed by an edit (default 0.005)
  --deletes P          share of posts followed by a deletion (default 0.005)
  --seed S             demo seed (default 1)
  --require-token      refuse streaming without a token, like Mastodon 4.2+ (any token is accepted)
  --heartbeat SECONDS  also send empty heartbeat frames
  --quiet              no periodic counts
  -h, --help

Control (per server): POST /_fake/drop?refuse_ms=5000, /_fake/pause?ms=5000, /_fake/post (body:
status JSON), /_fake/delete?id=ID, /_fake/edit, /_fake/raw; GET /_fake/stats.`;

function fail(message: string): never {
  process.stderr.write(`fake-mastodon: ${message}\n(see npm run fake-mastodon -- --help)\n`);
  process.exit(2);
}

function number(value: string | undefined, fallback: number, name: string, check: (n: number) => boolean): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || !check(n)) fail(`invalid ${name}: ${value}`);
  return n;
}

let values;
try {
  ({values} = parseArgs({
    options: {
      port: {type: "string"}, servers: {type: "string"}, host: {type: "string"}, rate: {type: "string"},
      duplicates: {type: "string"}, edits: {type: "string"}, deletes: {type: "string"}, seed: {type: "string"},
      "require-token": {type: "boolean"}, heartbeat: {type: "string"}, quiet: {type: "boolean"}, help: {type: "boolean", short: "h"}
    }
  }));
} catch (error) {
  fail((error as Error).message);
}
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const port = number(values.port, 4000, "port", (n) => Number.isInteger(n) && n >= 0 && n <= 65535);
const count = number(values.servers, 2, "servers", (n) => Number.isInteger(n) && n >= 1 && n <= 50);
const rate = number(values.rate, 20, "rate", (n) => n >= 0);
const share = (v: string | undefined, d: number, name: string) => number(v, d, name, (n) => n >= 0 && n <= 1);
const heartbeat = number(values.heartbeat, 0, "heartbeat", (n) => n >= 0);

const servers: FakeMastodon[] = [];
try {
  for (let i = 0; i < count; i++) {
    const domain = i < FOLLOWED.length ? FOLLOWED[i]! : `fake${i}.localhost`;
    servers.push(await startFakeMastodon({
      port: port === 0 ? 0 : port + i, host: values.host ?? "127.0.0.1", domain,
      requireToken: values["require-token"] ?? false, heartbeatIntervalMs: heartbeat * 1000
    }));
  }
} catch (error) {
  for (const s of servers) await s.close();
  fail((error as Error).message);
}
for (const s of servers) process.stdout.write(`fake ${s.domain} at ${s.url} (streaming ${s.streamingUrl})\n`);
const tokens = values["require-token"] ? servers.map((s) => `${tokenVariable(s.host)}=dev`).join(" ") + " " : "";
process.stdout.write(`\nfollow them with:\n  ${tokens}npm run listen -- ${servers.map((s) => `--server ${s.url}`).join(" ")}\n`);
if (!values["require-token"]) process.stdout.write("(no token set: the listener polls; set one, e.g. MASTODON_TOKEN_<HOST>=dev, to stream)\n");

let driver: Driver | null = null;
if (rate > 0) {
  driver = driveDemo(servers, {
    rate, seed: number(values.seed, 1, "seed", Number.isInteger),
    duplicates: share(values.duplicates, 0.05, "duplicates"), edits: share(values.edits, 0.005, "edits"), deletes: share(values.deletes, 0.005, "deletes")
  });
}
if (!values.quiet) {
  setInterval(() => {
    const clients = servers.reduce((n, s) => n + s.clients, 0);
    process.stdout.write(`${new Date().toISOString()} posted ${driver?.posted ?? 0} statuses, ${clients} streaming clients\n`);
  }, 10_000).unref();
}

let stopping = false;
const stop = async () => {
  if (stopping) process.exit(130);
  stopping = true;
  driver?.stop();
  await Promise.all(servers.map((s) => s.close()));
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
