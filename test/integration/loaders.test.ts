import {spawnSync} from "node:child_process";
import {mkdtempSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, test} from "vitest";
import {PROJECT_ROOT} from "../../loaders/config.ts";

/** Runs a data loader the way Framework does: a process whose stdout is the file. */
function runLoader(name: string, env: Record<string, string>) {
  const result = spawnSync("npx", ["tsx", join(PROJECT_ROOT, "docs", "data", name)], {cwd: PROJECT_ROOT, env: {...process.env, ...env}, encoding: "utf8"});
  return {status: result.status, stdout: result.stdout, stderr: result.stderr};
}

describe("data loaders", () => {
  test("on an empty store a loader serves demo data, marked as such", () => {
    const {status, stdout} = runLoader("languages.json.ts", {OBSERVATORY_STORE: mkdtempSync(join(tmpdir(), "empty-")), OBSERVATORY_DEMO_TOOTS: "2000"});
    expect(status).toBe(0);
    const data = JSON.parse(stdout);
    expect([data.engine, data.demo, data.rows[0].language]).toEqual(["embedded", true, "en"]);
  });

  test("a broken config fails before anything is written, naming the setting", () => {
    const {status, stdout, stderr} = runLoader("overview.json.ts", {OBSERVATORY_ENGINE: "duck"});
    expect(status).not.toBe(0);
    expect(stdout).toBe("");
    expect(stderr).toContain("invalid OBSERVATORY_ENGINE: duck (expected embedded or pinot)");
  });

  test("an unreachable Pinot broker fails with the broker's address, writing nothing", () => {
    const {status, stdout, stderr} = runLoader("overview.json.ts", {OBSERVATORY_ENGINE: "pinot", PINOT_BROKER_URL: "http://127.0.0.1:9"});
    expect(status).not.toBe(0);
    expect(stdout).toBe("");
    expect(stderr).toContain("pinot: broker http://127.0.0.1:9 unreachable");
  });
});
