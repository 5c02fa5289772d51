import {existsSync} from "node:fs";
import {dirname, isAbsolute, join, resolve} from "node:path";
import {fileURLToPath} from "node:url";

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** What the loaders read from the environment (and from .env at the project root, if present). */
export interface LoaderConfig {
  engine: "embedded" | "pinot";
  store: string;
  pinotBroker: string;
  windowHours: number;
  demoToots: number;
}

let envLoaded = false;
/** Reads .env once; variables already set in the environment win. */
export function loadDotEnv(path = join(PROJECT_ROOT, ".env")): void {
  if (envLoaded) return;
  envLoaded = true;
  if (existsSync(path)) process.loadEnvFile(path);
}

export function loaderConfig(env: NodeJS.ProcessEnv = (loadDotEnv(), process.env)): LoaderConfig {
  const engine = env.OBSERVATORY_ENGINE ?? "embedded";
  if (engine !== "embedded" && engine !== "pinot") throw new Error(`invalid OBSERVATORY_ENGINE: ${engine} (expected embedded or pinot)`);
  const store = env.OBSERVATORY_STORE ?? "data/store";
  return {
    engine,
    store: isAbsolute(store) ? store : join(PROJECT_ROOT, store),
    pinotBroker: url(env.PINOT_BROKER_URL ?? "http://localhost:8099", "PINOT_BROKER_URL"),
    windowHours: positive(env.OBSERVATORY_WINDOW_HOURS ?? "24", "OBSERVATORY_WINDOW_HOURS"),
    demoToots: positive(env.OBSERVATORY_DEMO_TOOTS ?? "20000", "OBSERVATORY_DEMO_TOOTS")
  };
}

function positive(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`invalid ${name}: ${value} (expected a positive number)`);
  return n;
}

function url(value: string, name: string): string {
  try {
    return new URL(value).href.replace(/\/$/, "");
  } catch {
    throw new Error(`invalid ${name}: ${value} (expected a URL)`);
  }
}
