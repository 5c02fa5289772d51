// The contract every local stack service (kafka, later pinot, ...) implements,
// plus the few process/port/file helpers they share. No Docker: services are
// plain JVM processes whose artifacts come from Maven Central.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, writeFileSync, rmSync, statSync } from "node:fs";
import { connect } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface Service {
  readonly name: string; // "kafka", later "pinot", ...
  install(): Promise<void>; // fetch artifacts into stack/.cache (idempotent, quick when already there)
  up(): Promise<void>; // start in background (detached), write pid file in stack/run/, wait until it really answers, throw a clear error with the log tail on failure/timeout
  down(): Promise<void>; // stop only what up() started (pid file), wait for exit, remove pid file
  status(): Promise<string>; // one human line: running (pid, port) / stopped
}

/** stack/ itself; cache and run dirs hang off it so the stack never depends on the cwd. */
export const STACK_DIR = dirname(fileURLToPath(import.meta.url));
export const CACHE_DIR = join(STACK_DIR, ".cache");
export const RUN_DIR = join(STACK_DIR, "run");

export function say(service: string, msg: string): void {
  console.log(`[${service}] ${msg}`);
}

export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

/** Last lines of a log file, for error messages (empty string if it does not exist). */
export function logTail(file: string, lines = 30): string {
  if (!existsSync(file)) return "";
  return readFileSync(file, "utf8").split("\n").slice(-lines - 1).join("\n");
}

export function fileSize(file: string): number {
  return existsSync(file) ? statSync(file).size : 0;
}

/**
 * What went wrong in the part of an (appended-to) log written since byte `from`:
 * the first ERROR/FATAL line and what follows it (usually the cause, before a
 * long stack trace), else the last lines.
 */
export function logExcerpt(file: string, from = 0, lines = 30): string {
  if (!existsSync(file)) return "(no log)";
  const text = readFileSync(file).subarray(from).toString("utf8").split("\n");
  const first = text.findIndex((l) => / (ERROR|FATAL) /.test(l));
  return (first >= 0 ? text.slice(first, first + lines) : text.slice(-lines - 1)).join("\n");
}

/** Run a command to completion with stdout+stderr appended to logFile; reject with the log tail on failure. */
export function runLogged(cmd: string, args: string[], logFile: string, opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<void> {
  mkdirSync(dirname(logFile), { recursive: true });
  const fd = openSync(logFile, "a");
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ["ignore", fd, fd] });
    child.on("error", (err) => {
      closeSync(fd);
      reject(new Error(`cannot run ${cmd}: ${err.message}`));
    });
    child.on("exit", (code, signal) => {
      closeSync(fd);
      if (code === 0) resolve();
      else reject(new Error(`${cmd} ${args.join(" ")} failed (${signal ?? `exit ${code}`}); log ${logFile}:\n${logTail(logFile)}`));
    });
  });
}

/** Start a long-running process fully detached (survives the CLI), output to logFile; returns its pid. */
export function spawnDetached(cmd: string, args: string[], logFile: string, opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): number {
  mkdirSync(dirname(logFile), { recursive: true });
  const fd = openSync(logFile, "a");
  const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ["ignore", fd, fd], detached: true });
  closeSync(fd); // the child has its own copy
  child.unref();
  if (child.pid === undefined) throw new Error(`cannot start ${cmd} (see ${logFile})`);
  return child.pid;
}

/** True if something accepts TCP connections on host:port. */
export function isPortOpen(port: number, host = "127.0.0.1", timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Poll `check` until it returns true. `abort` is polled too: when it returns a
 * message (e.g. "process exited") we fail at once instead of waiting out the timeout.
 */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  opts: { timeoutMs: number; intervalMs?: number; abort?: () => string | undefined },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const reason = opts.abort?.();
    if (reason) throw new Error(`${what}: ${reason}`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: timed out after ${opts.timeoutMs} ms`);
    await sleep(opts.intervalMs ?? 500);
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM"; // exists, just not ours
  }
}

/**
 * pid from a pid file, or undefined if absent/stale. `marker` must appear in the
 * process command line (Linux /proc), so a recycled pid is never mistaken for ours.
 */
export function readPid(pidFile: string, marker: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, "utf8").trim());
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  const cmdline = `/proc/${pid}/cmdline`;
  if (existsSync("/proc/self") && (!existsSync(cmdline) || !readFileSync(cmdline, "utf8").includes(marker))) return undefined;
  return pid;
}

export function writePid(pidFile: string, pid: number): void {
  mkdirSync(dirname(pidFile), { recursive: true });
  writeFileSync(pidFile, `${pid}\n`);
}

export function removePid(pidFile: string): void {
  rmSync(pidFile, { force: true });
}

/** SIGTERM (lets Kafka shut down cleanly), SIGKILL after graceMs, then wait for the pid to vanish. */
export async function killAndWait(pid: number, graceMs = 30_000): Promise<"terminated" | "killed"> {
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(pid, sig);
    } catch {
      /* already gone */
    }
  };
  signal("SIGTERM");
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(200);
  if (!isAlive(pid)) return "terminated";
  signal("SIGKILL");
  while (isAlive(pid)) await sleep(100);
  return "killed";
}

/** A java binary of version >= minMajor: $JAVA_HOME/bin/java if set, else `java` on PATH. */
export function findJava(minMajor = 17): { bin: string; major: number } {
  const home = process.env.JAVA_HOME;
  const bin = home ? join(home, "bin", "java") : "java";
  // `java -version` prints to stderr.
  const res = spawnSync(bin, ["-version"], { encoding: "utf8" });
  if (res.error) throw new Error(`no Java found (${home ? `JAVA_HOME=${home}` : "`java` not on PATH"}): ${res.error.message}; install a JDK ${minMajor}+`);
  const out = `${res.stderr}${res.stdout}`;
  return { bin, major: javaMajor(out, bin, minMajor) };
}

function javaMajor(versionOutput: string, bin: string, minMajor: number): number {
  // 'openjdk version "17.0.15"' / '"25"' / legacy '"1.8.0_392"'
  const m = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!m) throw new Error(`cannot parse \`${bin} -version\` output:\n${versionOutput}`);
  const major = m[1] === "1" ? Number(m[2]) : Number(m[1]);
  if (major < minMajor) throw new Error(`${bin} is Java ${major}; Java ${minMajor}+ is required (set JAVA_HOME)`);
  return major;
}

/** Stops the process a pid file names (if it still is ours: `marker` on its command line). */
export async function stopFromPidFile(service: string, pidFile: string, marker: string, graceMs = 30_000): Promise<void> {
  const pid = readPid(pidFile, marker);
  if (!pid) {
    removePid(pidFile);
    say(service, "not running");
    return;
  }
  const t0 = Date.now();
  const how = await killAndWait(pid, graceMs);
  removePid(pidFile);
  say(service, `stopped pid ${pid} (${how === "killed" ? `SIGKILL after ${graceMs / 1000} s grace` : "clean shutdown"}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
