import {readdirSync, statSync, utimesSync} from "node:fs";
import {join} from "node:path";
import {TABLES, tableDir} from "../loaders/embedded/layout.ts";

/** Newest change in the store: the latest part's mtime (0 when empty or missing). */
export function storeVersion(root: string): number {
  let newest = 0;
  for (const table of TABLES) {
    let names: string[] = [];
    try {
      names = readdirSync(tableDir(root, table));
    } catch {}
    for (const name of names) {
      if (!name.endsWith(".parquet")) continue;
      try {
        newest = Math.max(newest, statSync(join(tableDir(root, table), name)).mtimeMs);
      } catch {}
    }
  }
  return newest;
}

/**
 * Framework's preview re-runs a data loader (and live-updates the page) when the loader's source
 * file changes, but knows nothing of the store. So when the store changes we touch the loaders.
 */
export function watchStore(root: string, loadersDir: string, everyMs: number): () => void {
  let seen = storeVersion(root);
  const timer = setInterval(() => {
    const version = storeVersion(root);
    if (version === seen) return;
    seen = version;
    const now = new Date();
    for (const name of readdirSync(loadersDir)) {
      if (/\.(ts|js)$/.test(name)) utimesSync(join(loadersDir, name), now, now);
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
