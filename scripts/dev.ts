/**
 * `npm run dev`: the site preview on the configured engine (embedded by default). Pages refresh
 * when the store changes (checked every OBSERVATORY_REFRESH_SECONDS, default 10). When .env names
 * servers to follow (MASTODON_SERVERS), the listener runs beside it so live pages fill up; Ctrl-C
 * stops both.
 */
import {spawn, type ChildProcess} from "node:child_process";
import {join} from "node:path";
import {loadDotEnv, loaderConfig, PROJECT_ROOT} from "../loaders/config.ts";
import {watchStore} from "./store-watch.ts";

loadDotEnv();
const config = loaderConfig();
const children: ChildProcess[] = [];
const start = (command: string, args: string[]) => {
  const child = spawn(command, args, {cwd: PROJECT_ROOT, stdio: "inherit", env: process.env});
  children.push(child);
  child.on("exit", (code) => {
    if (!stopping) stop(code ?? 1);
  });
  return child;
};

let stopping = false;
function stop(code: number): void {
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  setTimeout(() => process.exit(code), 5000).unref();
  Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.on("exit", r))))).then(() => process.exit(code));
}
process.on("SIGINT", () => (stopping ? process.exit(130) : stop(0)));
process.on("SIGTERM", () => (stopping ? process.exit(143) : stop(0)));

const args = process.argv.slice(2);
start("observable", ["preview", ...args]);
if (config.engine === "embedded") {
  const seconds = Number(process.env.OBSERVATORY_REFRESH_SECONDS ?? 10);
  if (!(seconds > 0)) throw new Error(`invalid OBSERVATORY_REFRESH_SECONDS: ${process.env.OBSERVATORY_REFRESH_SECONDS}`);
  watchStore(config.store, join(PROJECT_ROOT, "docs", "data"), seconds * 1000);
}
if (process.env.MASTODON_SERVERS?.trim()) {
  console.log(`dev: listening to ${process.env.MASTODON_SERVERS.trim()} beside the preview`);
  start("tsx", ["listener/cli.ts", "--quiet"]);
}
