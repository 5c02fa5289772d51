import {isAbsolute, resolve} from "node:path";
import {parseArgs} from "node:util";
import {PROJECT_ROOT} from "../loaders/config.ts";
import {OptionsError} from "./errors.ts";
import type {SinkKind} from "./sinks/index.ts";
import {tokenVariable} from "./sources/supervisor.ts";
import type {ServerSpec, Timeline} from "./sources/types.ts";

/** Everything the CLI needs, validated once here; the rest of the listener trusts it. */
export interface ListenerOptions {
  servers: ServerSpec[];
  timeline: Timeline;
  sink: SinkKind;
  store: string;
  flushIntervalMs: number;
  kafka: {brokers: string[]; topic: string; schemaRegistry?: string};
  record: string | null;
  replay: string | null;
  /** Replay speed: 1 = as recorded, 10 = ten times faster, 0 = as fast as possible. */
  speed: number;
  quiet: boolean;
  watchdogMs: number;
  pollIntervalMs: number;
  keepText: boolean;
  statusIntervalMs: number;
  /** Things worth saying at start (e.g. a token that will not be used). */
  warnings: string[];
}

export const USAGE = `Usage: npm run listen -- [options]

  --server URL           follow this server (repeatable; default: MASTODON_SERVERS, comma-separated)
  --timeline T           public (federated, default) | local | hashtag:NAME
  --sink S               store (embedded DuckDB/Parquet, default) | kafka
  --store DIR            embedded store folder (default: OBSERVATORY_STORE or data/store)
  --record FILE          also append every raw event to FILE (NDJSON) for --replay
  --replay FILE          replay a recorded file instead of following servers
  --speed X              replay speed factor (default 1; 0 or max: as fast as possible)
  --watchdog SECONDS     reconnect a stream silent this long (default 120; 0: never)
  --poll SECONDS         polling interval when a server cannot stream (default 5)
  --no-text              keep counts, drop the text of every toot
  --flush SECONDS        how often the store writes buffered toots (default 0.5)
  --status-interval S    status line period when not on a terminal (default 30)
  --quiet                no status line (warnings still go to stderr)
  -h, --help

Tokens come from the environment only: MASTODON_TOKEN_<HOST> (e.g. MASTODON_TOKEN_MASTODON_SOCIAL),
or MASTODON_TOKEN when following a single server. Without a token a server is polled over REST.
Kafka: KAFKA_BROKERS (default localhost:9092), KAFKA_TOPIC (default mastodon-topic), SCHEMA_REGISTRY_URL.`;

/** Parses argv (without node and script) and the environment; throws OptionsError; null means --help. */
export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): ListenerOptions | null {
  // Checked before parsing so the value after --token is never echoed in an error message.
  if (argv.some((a) => /^--?(access[-_]?)?token(=|$)/i.test(a))) {
    throw new OptionsError("tokens are read from the environment only (MASTODON_TOKEN_<HOST> or MASTODON_TOKEN), never from the command line");
  }
  let values;
  try {
    ({values} = parseArgs({
      args: joinNegativeValues(argv),
      strict: true,
      allowPositionals: false,
      options: {
        server: {type: "string", multiple: true},
        timeline: {type: "string"},
        sink: {type: "string"},
        store: {type: "string"},
        record: {type: "string"},
        replay: {type: "string"},
        speed: {type: "string"},
        watchdog: {type: "string"},
        poll: {type: "string"},
        "no-text": {type: "boolean"},
        flush: {type: "string"},
        "status-interval": {type: "string"},
        quiet: {type: "boolean"},
        help: {type: "boolean", short: "h"}
      }
    }));
  } catch (error) {
    throw new OptionsError((error as Error).message, {cause: error});
  }
  if (values.help) return null;
  const warnings: string[] = [];
  const replay = values.replay ?? null;
  const serverArgs = values.server ?? (replay ? [] : splitList(env.MASTODON_SERVERS));
  if (replay && values.server) throw new OptionsError("invalid replay: --replay reads a file instead of following servers; drop --server");
  if (replay && values.record) throw new OptionsError("invalid record: --record cannot be combined with --replay");
  if (!replay && serverArgs.length === 0) throw new OptionsError("no servers: pass --server URL or set MASTODON_SERVERS (comma-separated)");
  if (!replay && values.speed !== undefined) throw new OptionsError("invalid speed: --speed only applies to --replay");
  const servers = unique(serverArgs.map(serverUrl)).map((url) => withToken(url, env, serverArgs.length, warnings));
  if (servers.length > 1 && env.MASTODON_TOKEN) {
    warnings.push(`MASTODON_TOKEN is not used with ${servers.length} servers (a token belongs to the server that issued it): set ${servers.map((s) => tokenVariable(s.name)).join(", ")}`);
  }
  const sink = values.sink ?? "store";
  if (sink !== "store" && sink !== "kafka") throw new OptionsError(`invalid sink: ${sink} (expected store or kafka)`);
  const store = values.store ?? env.OBSERVATORY_STORE ?? "data/store";
  return {
    servers,
    timeline: timeline(values.timeline ?? "public"),
    sink,
    store: isAbsolute(store) ? store : resolve(values.store ? process.cwd() : PROJECT_ROOT, store),
    flushIntervalMs: seconds(values.flush ?? "0.5", "flush", false) ,
    kafka: {
      brokers: splitList(env.KAFKA_BROKERS ?? "localhost:9092"),
      topic: nonEmpty(env.KAFKA_TOPIC ?? "mastodon-topic", "KAFKA_TOPIC"),
      ...(env.SCHEMA_REGISTRY_URL ? {schemaRegistry: httpUrl(env.SCHEMA_REGISTRY_URL, "SCHEMA_REGISTRY_URL")} : {})
    },
    record: values.record ?? null,
    replay,
    speed: speed(values.speed ?? "1"),
    quiet: values.quiet ?? false,
    watchdogMs: seconds(values.watchdog ?? "120", "watchdog", true),
    pollIntervalMs: seconds(values.poll ?? "5", "poll", false),
    keepText: !values["no-text"],
    statusIntervalMs: seconds(values["status-interval"] ?? "30", "status-interval", false),
    warnings
  };
}

/** "mastodon.social", "https://mastodon.social/" → https://mastodon.social; the name is the host. */
export function serverUrl(input: string): string {
  const text = input.trim();
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    throw new OptionsError(`invalid server: ${input} (expected a URL or host name)`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new OptionsError(`invalid server: ${input} (expected http or https)`);
  if ((url.pathname !== "/" && url.pathname !== "") || url.search || url.username) throw new OptionsError(`invalid server: ${input} (expected just the server, no path or credentials)`);
  return url.origin;
}

function withToken(url: string, env: NodeJS.ProcessEnv, count: number, warnings: string[]): ServerSpec {
  const name = new URL(url).host;
  const token = env[tokenVariable(name)]?.trim() || (count === 1 ? env.MASTODON_TOKEN?.trim() : "") || null;
  const local = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(name);
  if (token && url.startsWith("http:") && !local) warnings.push(`${name}: the token would travel unencrypted over http; use https`);
  return {name, url, token};
}

function timeline(value: string): Timeline {
  if (value === "public" || value === "local") return {kind: value};
  const tag = /^hashtag:#?([^\s/#?&]+)$/u.exec(value);
  if (tag) return {kind: "hashtag", tag: tag[1]!};
  throw new OptionsError(`invalid timeline: ${value} (expected public, local or hashtag:NAME)`);
}

function seconds(value: string, name: string, zeroAllowed: boolean): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0 || (n === 0 && !zeroAllowed)) {
    throw new OptionsError(`invalid ${name}: ${value} (expected ${zeroAllowed ? "a number of seconds, 0 to disable" : "a positive number of seconds"})`);
  }
  return Math.round(n * 1000);
}

function speed(value: string): number {
  if (value === "max") return 0;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0) throw new OptionsError(`invalid speed: ${value} (expected a factor such as 1 or 10, or 0/max for as fast as possible)`);
  return n;
}

function httpUrl(value: string, name: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === "http:" || url.protocol === "https:") return url.href.replace(/\/$/, "");
  } catch {}
  throw new OptionsError(`invalid ${name}: ${value} (expected an http(s) URL)`);
}

function nonEmpty(value: string, name: string): string {
  if (!value.trim()) throw new OptionsError(`invalid ${name}: empty`);
  return value.trim();
}

/** `--watchdog -1` would be "ambiguous" to parseArgs; as `--watchdog=-1` it reaches validation and its message. */
function joinNegativeValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const next = argv[i + 1];
    if (/^--[a-z-]+$/.test(argv[i]!) && next !== undefined && /^-\d/.test(next)) out.push(`${argv[i]}=${next}`), i++;
    else out.push(argv[i]!);
  }
  return out;
}

function splitList(value: string | undefined): string[] {
  return (value ?? "").split(",").map((s) => s.trim()).filter(Boolean);
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
