import {readdirSync, rmSync, statSync} from "node:fs";
import {join} from "node:path";
import {TABLES, tableDir} from "./layout.ts";

/** A writer killed mid-write leaves a .tmp file; readers ignore it, and the next writer removes it. */
export function removeStaleTemporaries(root: string, olderThanMs = 60_000, now = Date.now()): number {
  let removed = 0;
  for (const table of TABLES) {
    const dir = tableDir(root, table);
    for (const name of readdirSync(dir)) {
      if (!name.endsWith(".tmp")) continue;
      const path = join(dir, name);
      try {
        if (now - statSync(path).mtimeMs > olderThanMs) {
          rmSync(path, {force: true});
          removed++;
        }
      } catch {} // already gone
    }
  }
  return removed;
}
