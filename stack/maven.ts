import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { CACHE_DIR, runLogged, say, STACK_DIR } from "./service.ts";

/** A service's jars: `stack/<name>/pom.xml` resolved into `stack/.cache/<name>/lib`. */
export interface MavenJars {
  service: string;
  /** Shown in messages, e.g. "Kafka". */
  product: string;
  version: string;
  /** The pom's property that selects the version, e.g. "kafka.version". */
  versionProperty: string;
  /** Where Maven's log goes. */
  log: string;
}

/** One private Maven repository for every service, so CI can cache stack/.cache as one unit. */
const M2 = join(CACHE_DIR, "m2");
export const jarDir = (service: string): string => join(CACHE_DIR, service, "lib");
export const rel = (p: string): string => relative(process.cwd(), p) || ".";
export const secs = (t0: number): string => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

/** Fetches the runtime jars from Maven Central unless this version is already there. */
export async function installJars(j: MavenJars): Promise<void> {
  const lib = jarDir(j.service);
  const stamp = join(lib, ".installed"); // written last, so a half-finished install is redone
  if (existsSync(stamp) && readFileSync(stamp, "utf8").trim() === j.version) {
    say(j.service, `${j.product} ${j.version} already installed in ${rel(lib)}`);
    return;
  }
  const t0 = Date.now();
  rmSync(lib, { recursive: true, force: true }); // drop jars of another version
  say(j.service, `installing ${j.product} ${j.version} from Maven Central (log: ${rel(j.log)}) ...`);
  await runLogged(
    "mvn",
    ["-B", "-ntp", "-f", join(STACK_DIR, j.service, "pom.xml"), `-Dmaven.repo.local=${M2}`, `-D${j.versionProperty}=${j.version}`,
      "dependency:copy-dependencies", "-DincludeScope=runtime", `-DoutputDirectory=${lib}`],
    j.log,
  ).catch((err: Error) => {
    throw new Error(`Maven could not fetch ${j.product} (needs \`mvn\` on PATH and access to Maven Central): ${err.message}`);
  });
  const jars = readdirSync(lib).filter((f) => f.endsWith(".jar"));
  const mb = jars.reduce((sum, f) => sum + statSync(join(lib, f)).size, 0) / 1e6;
  writeFileSync(stamp, `${j.version}\n`);
  say(j.service, `installed ${j.product} ${j.version}: ${jars.length} jars, ${mb.toFixed(1)} MB in ${secs(t0)}`);
}
