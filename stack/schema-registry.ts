// A minimal Confluent-compatible schema registry for the no-Docker stack: enough of the REST API
// for our producer (register), consumers and kcat/libserdes (schema by id), and humans (subjects,
// latest, lookup). Avro only, BACKWARD compatibility against the latest version (Confluent's
// default), persisted to a JSON file. `tsx stack/schema-registry.ts serve` runs it in the
// foreground; the stack (`tsx stack/cli.ts up schema-registry`) starts that detached.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import avro from "avsc";
import {
  type Service,
  RUN_DIR,
  STACK_DIR,
  envInt,
  fileSize,
  isAlive,
  isPortOpen,
  killAndWait,
  logExcerpt,
  readPid,
  removePid,
  say,
  spawnDetached,
  waitUntil,
  writePid,
  stopFromPidFile,
} from "./service.ts";
import { defaultPort } from "./ports.ts";

const NAME = "schema-registry";
const FILE = fileURLToPath(import.meta.url); // its path in the command line identifies our process
const PROJECT_ROOT = dirname(STACK_DIR);
const HOME = join(RUN_DIR, NAME);
const DATA_FILE = join(HOME, "registry.json");
const LOG = join(HOME, "server.log");
const PID_FILE = join(RUN_DIR, `${NAME}.pid`);
const CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

export const schemaRegistryPort = (): number => envInt("SCHEMA_REGISTRY_PORT", defaultPort(NAME));
export const schemaRegistryUrl = (): string => `http://127.0.0.1:${schemaRegistryPort()}`;

// ---- the registry ----

interface Stored {
  /** Schema text by id; ids are global (the same schema under two subjects has one id), from 1. */
  schemas: Record<string, string>;
  /** Per subject, the schema id of each version (version n is index n-1). */
  subjects: Record<string, number[]>;
}

class HttpError extends Error {
  constructor(readonly status: number, readonly code: number, message: string) {
    super(message);
  }
}

export class Registry {
  private data: Stored = { schemas: {}, subjects: {} };

  constructor(private readonly file: string) {
    if (existsSync(file)) this.data = JSON.parse(readFileSync(file, "utf8")) as Stored;
  }

  subjects(): string[] {
    return Object.keys(this.data.subjects).sort();
  }

  schema(id: number): string {
    const text = this.data.schemas[id];
    if (text === undefined) throw new HttpError(404, 40403, `Schema ${id} not found`);
    return text;
  }

  versions(subject: string): number[] {
    return this.ids(subject).map((_, i) => i + 1);
  }

  version(subject: string, version: string): { subject: string; version: number; id: number; schema: string } {
    const ids = this.ids(subject);
    const n = version === "latest" || version === "-1" ? ids.length : Number(version);
    const id = Number.isInteger(n) && n >= 1 ? ids[n - 1] : undefined;
    if (id === undefined) throw new HttpError(404, 40402, `Version ${version} not found.`);
    return { subject, version: n, id, schema: this.schema(id) };
  }

  /** POST /subjects/:s/versions — the existing id if this subject already has the schema. */
  register(subject: string, body: unknown): { id: number } {
    const { text, type } = parse(body);
    const versions = this.data.subjects[subject] ?? [];
    const existing = versions.find((id) => this.data.schemas[id] === text);
    if (existing !== undefined) return { id: existing };
    const latest = versions.at(-1);
    if (latest !== undefined) {
      // BACKWARD: a reader with the new schema must be able to read data written with the latest one.
      try {
        type.createResolver(avro.Type.forSchema(JSON.parse(this.schema(latest)) as avro.Schema));
      } catch (error) {
        throw new HttpError(409, 409, `Schema being registered is incompatible with an earlier schema for subject "${subject}": ${(error as Error).message}`);
      }
    }
    const known = Object.entries(this.data.schemas).find(([, t]) => t === text);
    const id = known ? Number(known[0]) : Math.max(0, ...Object.keys(this.data.schemas).map(Number)) + 1;
    this.data.schemas[id] = text;
    this.data.subjects[subject] = [...versions, id];
    this.save();
    return { id };
  }

  /** POST /subjects/:s — is this schema registered under the subject, and as which version? */
  lookup(subject: string, body: unknown): { subject: string; version: number; id: number; schema: string } {
    const { text } = parse(body);
    const ids = this.ids(subject);
    const index = ids.findIndex((id) => this.data.schemas[id] === text);
    if (index < 0) throw new HttpError(404, 40403, "Schema not found");
    return { subject, version: index + 1, id: ids[index]!, schema: text };
  }

  private ids(subject: string): number[] {
    const ids = this.data.subjects[subject];
    if (!ids) throw new HttpError(404, 40401, `Subject '${subject}' not found.`);
    return ids;
  }

  private save(): void {
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(`${this.file}.tmp`, JSON.stringify(this.data, null, 2));
    renameSync(`${this.file}.tmp`, this.file); // a crash never leaves half a file
  }
}

/** The request's schema, validated as Avro and normalised (whitespace) so equal schemas compare equal. */
function parse(body: unknown): { text: string; type: avro.Type } {
  const { schema, schemaType, references } = (body ?? {}) as { schema?: unknown; schemaType?: unknown; references?: unknown };
  if (schemaType !== undefined && schemaType !== "AVRO") throw new HttpError(422, 42201, `Invalid schema: only AVRO is supported, not ${String(schemaType)}`);
  if (Array.isArray(references) && references.length > 0) throw new HttpError(422, 42201, "Invalid schema: references are not supported");
  if (typeof schema !== "string") throw new HttpError(422, 42201, "Invalid schema: the request needs a \"schema\" string");
  try {
    const parsed = JSON.parse(schema) as avro.Schema;
    return { text: JSON.stringify(parsed), type: avro.Type.forSchema(parsed) };
  } catch (error) {
    throw new HttpError(422, 42201, `Invalid schema: ${(error as Error).message}`);
  }
}

// ---- HTTP ----

export function createRegistryServer(file: string, log: (line: string) => void = () => {}): Server {
  const registry = new Registry(file);
  return createServer((req, res) => {
    handle(registry, req)
      .then((body) => reply(res, 200, body))
      .catch((error: unknown) => {
        const e = error instanceof HttpError ? error : new HttpError(500, 50001, (error as Error).message);
        if (e.status >= 500) log(`${req.method} ${req.url}: ${e.message}`);
        reply(res, e.status, { error_code: e.code, message: e.message });
      });
  });
}

async function handle(registry: Registry, req: IncomingMessage): Promise<unknown> {
  const path = new URL(req.url ?? "/", "http://registry").pathname.replace(/\/+$/, "") || "/";
  const route = `${req.method ?? "GET"} ${path}`;
  let m: RegExpExecArray | null;
  const at = (re: RegExp) => (m = re.exec(route)) !== null;
  const arg = (i: number) => decodeURIComponent(m![i]!);
  if (at(/^GET \/$/)) return {};
  if (at(/^GET \/config$/)) return { compatibilityLevel: "BACKWARD" };
  if (at(/^GET \/subjects$/)) return registry.subjects();
  if (at(/^GET \/schemas\/ids\/(\d+)$/)) return { schema: registry.schema(Number(arg(1))) };
  if (at(/^GET \/subjects\/([^/]+)\/versions$/)) return registry.versions(arg(1));
  if (at(/^GET \/subjects\/([^/]+)\/versions\/([^/]+)$/)) return registry.version(arg(1), arg(2));
  if (at(/^POST \/subjects\/([^/]+)\/versions$/)) return registry.register(arg(1), await readJson(req));
  if (at(/^POST \/subjects\/([^/]+)$/)) return registry.lookup(arg(1), await readJson(req));
  throw new HttpError(404, 404, `${route} is not supported by this registry`);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 1_000_000) throw new HttpError(413, 413, "request too large");
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new HttpError(400, 400, "request body is not JSON");
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": CONTENT_TYPE, "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** Starts a registry on host:port (port 0: any free one); for tests and `serve`. */
export async function startRegistry(opts: { port: number; file: string; host?: string; log?: (line: string) => void }): Promise<{ url: string; close(): Promise<void> }> {
  const server = createRegistryServer(opts.file, opts.log);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host ?? "127.0.0.1", resolve);
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://${opts.host ?? "127.0.0.1"}:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

// ---- the stack service ----

const rel = (p: string) => relative(process.cwd(), p) || ".";

export class SchemaRegistryService implements Service {
  readonly name = NAME;

  async install(): Promise<void> {
    say(NAME, "nothing to install (runs on Node from this repository)");
  }

  async up(): Promise<void> {
    const running = readPid(PID_FILE, FILE);
    const port = schemaRegistryPort();
    if (running) {
      say(NAME, `already running (pid ${running}, ${schemaRegistryUrl()})`);
      return;
    }
    removePid(PID_FILE);
    if (await isPortOpen(port)) throw new Error(`port ${port} is already in use by a process this stack did not start; stop it or set SCHEMA_REGISTRY_PORT`);
    const from = fileSize(LOG);
    const t0 = Date.now();
    // `node --import tsx` rather than the tsx CLI: one process, so the pid file names the server itself.
    const pid = spawnDetached(process.execPath, ["--import", "tsx", FILE, "serve"], LOG, {
      cwd: PROJECT_ROOT,
      env: { ...process.env, SCHEMA_REGISTRY_PORT: String(port) },
    });
    writePid(PID_FILE, pid);
    try {
      await waitUntil(`schema registry (pid ${pid}) did not answer on ${schemaRegistryUrl()}`, () => answers(port), {
        timeoutMs: envInt("SCHEMA_REGISTRY_START_TIMEOUT_MS", 30_000),
        abort: () => (isAlive(pid) ? undefined : "the process exited"),
        intervalMs: 200,
      });
    } catch (err) {
      if (isAlive(pid)) await killAndWait(pid, 5_000);
      removePid(PID_FILE);
      throw new Error(`${(err as Error).message}\n--- ${rel(LOG)} ---\n${logExcerpt(LOG, from)}`);
    }
    say(NAME, `up: ${schemaRegistryUrl()}, pid ${pid}, ready in ${((Date.now() - t0) / 1000).toFixed(1)} s; schemas in ${rel(DATA_FILE)}`);
  }

  async down(): Promise<void> {
    await stopFromPidFile(NAME, PID_FILE, FILE, 10_000);
  }

  async status(): Promise<string> {
    const pid = readPid(PID_FILE, FILE);
    if (!pid) return existsSync(PID_FILE) ? "stopped (stale pid file)" : "stopped";
    const state = (await answers(schemaRegistryPort())) ? "running" : "running but not answering";
    return `${state} (pid ${pid}, ${schemaRegistryUrl()})`;
  }
}

async function answers(port: number): Promise<boolean> {
  const res = await fetch(`http://127.0.0.1:${port}/subjects`, { signal: AbortSignal.timeout(1000) }).catch(() => undefined);
  return res?.ok === true;
}

// ---- `tsx stack/schema-registry.ts serve` ----

if (process.argv[1] === FILE && process.argv[2] === "serve") {
  const log = (line: string) => console.log(`[${new Date().toISOString()}] ${line}`);
  const registry = await startRegistry({ port: schemaRegistryPort(), file: DATA_FILE, log });
  log(`schema registry listening on ${registry.url}, schemas in ${DATA_FILE}`);
  const stop = () => {
    log("stopping");
    void registry.close().then(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
