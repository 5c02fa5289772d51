/**
 * Fills Observable Framework's npm cache from node_modules so `dev` and `build` need no CDN.
 * Framework 1.13 fetches every `npm:` import (explicit, or implicit like Plot, d3, Inputs, htl)
 * from jsDelivr unless docs/.observablehq/cache/_npm/<name>@<version>/_esm.js already exists,
 * and it picks the highest version folder present. We bundle each package (dependencies
 * inlined, so the file imports nothing) into exactly that place, at the installed version.
 */
import {existsSync, mkdirSync, readdirSync, readFileSync, rmSync} from "node:fs";
import {join} from "node:path";
import {build} from "esbuild";
import {PROJECT_ROOT} from "../loaders/config.ts";

/** Every npm: module the site imports, directly or through Framework's implicit imports. */
export const BROWSER_PACKAGES = ["@observablehq/plot", "d3", "htl", "isoformat", "d3-dsv", "@observablehq/inputs"];

/**
 * Libraries Framework's standard library only links to (loaded if a page uses them; ours do not).
 * While bundling its client Framework asks the npm registry for their versions unless a version
 * folder exists, so an empty folder per library keeps the build fully offline.
 */
export const LINKED_ONLY = [
  "apache-arrow@21.2.0", "arquero@8.0.3", "echarts@6.1.0", "leaflet@1.9.4", "lodash@4.18.1", "mapbox-gl@3.32.0",
  "parquet-wasm@0.8.0", "react@19.3.1", "react-dom@19.3.1", "topojson-client@3.1.0", "@observablehq/sample-datasets@1.0.1"
];

const cacheDir = join(PROJECT_ROOT, "docs", ".observablehq", "cache", "_npm");

function installedVersion(name: string): string {
  const path = join(PROJECT_ROOT, "node_modules", name, "package.json");
  if (!existsSync(path)) throw new Error(`npm cache: ${name} is not installed (run npm install)`);
  return JSON.parse(readFileSync(path, "utf8")).version;
}

/** Remove other versions of a managed package: Framework would prefer a stale higher one. */
function pruneOtherVersions(name: string, keep: string): void {
  const scope = name.startsWith("@") ? name.split("/")[0]! : "";
  const dir = join(cacheDir, scope);
  if (!existsSync(dir)) return;
  const base = name.startsWith("@") ? name.split("/")[1]! : name;
  for (const entry of readdirSync(dir)) {
    if (entry.startsWith(`${base}@`) && entry !== `${base}@${keep}`) rmSync(join(dir, entry), {recursive: true, force: true});
  }
}

async function bundle(name: string, outfile: string): Promise<void> {
  const attempt = (withDefault: boolean) =>
    build({
      stdin: {contents: `export * from "${name}";${withDefault ? ` export {default} from "${name}";` : ""}`, resolveDir: PROJECT_ROOT, loader: "js"},
      bundle: true, format: "esm", platform: "browser", target: "es2022", minify: true,
      mainFields: ["browser", "module", "main"], outfile, logLevel: "silent", legalComments: "none"
    });
  try {
    await attempt(true);
  } catch {
    await attempt(false); // the package has no default export
  }
}

export async function fillNpmCache(): Promise<string[]> {
  const written: string[] = [];
  for (const namever of LINKED_ONLY) mkdirSync(join(cacheDir, namever), {recursive: true});
  for (const name of BROWSER_PACKAGES) {
    const version = installedVersion(name);
    pruneOtherVersions(name, version);
    const outfile = join(cacheDir, `${name}@${version}`, "_esm.js");
    if (existsSync(outfile)) continue;
    mkdirSync(join(cacheDir, `${name}@${version}`), {recursive: true});
    await bundle(name, outfile);
    written.push(`${name}@${version}`);
  }
  return written;
}

/** Loader outputs are cached by Framework until the loader's source changes; the store changes
 * without that, so a build must run every loader afresh. */
export function clearLoaderCache(): void {
  rmSync(join(PROJECT_ROOT, "docs", ".observablehq", "cache", "data"), {recursive: true, force: true});
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes("--fresh-data")) clearLoaderCache();
  const written = await fillNpmCache();
  console.log(written.length ? `npm cache: bundled ${written.join(", ")}` : "npm cache: up to date");
}
