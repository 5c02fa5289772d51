import {execFileSync} from "node:child_process";
import {mkdtempSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {Browser} from "playwright-core";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {PROJECT_ROOT} from "../../loaders/config.ts";
import {launchChromium, watchPage} from "../helpers/browser.ts";
import {serveStatic} from "../helpers/static-server.ts";

let browser: Browser;
let site: {url: string; close(): Promise<void>};

beforeAll(async () => {
  // Build exactly as a user does, on an empty store (so the page must say it shows demo data),
  // and with no network at all: in a network namespace without interfaces (needs root, as in CI).
  const store = mkdtempSync(join(tmpdir(), "site-store-"));
  const offline = process.getuid?.() === 0 ? ["unshare", "-n"] : [];
  const [command, ...args] = [...offline, "npm", "run", "build"];
  execFileSync(command!, args, {cwd: PROJECT_ROOT, env: {...process.env, OBSERVATORY_STORE: store, OBSERVATORY_ENGINE: "embedded"}, stdio: "pipe"});
  site = await serveStatic(join(PROJECT_ROOT, "dist"));
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

describe("built site in headless Chromium", () => {
  test("the overview renders its charts from local files only, with no console errors", async () => {
    const page = await browser.newPage();
    const {errors, requests} = watchPage(page);
    await page.goto(site.url + "/", {waitUntil: "networkidle"});
    await page.waitForSelector("#top-servers svg");
    expect(await page.locator("#demo-notice").innerText()).toContain("This is demo data.");
    expect(await page.locator(".kpi .big").allInnerTexts()).toHaveLength(4);
    expect(await page.locator("#per-minute svg path").count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator("#top-servers svg g[aria-label='bar'] rect").count()).toBe(15);
    expect(await page.locator("#top-servers svg").innerHTML()).toContain("mastodon.social");
    expect(errors).toEqual([]);
    expect(requests.filter((url) => !url.startsWith(site.url))).toEqual([]);
    expect(requests.length).toBeGreaterThan(5);
  });

  test("toot text that looks like HTML is shown as text, never parsed", async () => {
    const page = await browser.newPage();
    const {errors, requests} = watchPage(page);
    await page.goto(site.url + "/recent", {waitUntil: "networkidle"});
    await page.waitForSelector("#toots li");
    expect(await page.locator("#toots li").count()).toBe(30);
    // The demo's strangers type markup; the latest 30 toots include one such text.
    expect(await page.locator("#toots").innerText()).toContain("<img src=x onerror=alert(1)> 👍 lol 👍 a&b 🎉 ok wow wow a&b +1");
    expect(await page.locator("#toots img, #toots b, #toots script").count()).toBe(0);
    expect(errors).toEqual([]);
    expect(requests.filter((url) => !url.startsWith(site.url))).toEqual([]);
  });

  const pages: [string, string, number][] = [
    // path, the mark the chart draws, how many of them the demo's window gives
    ["/languages", "g[aria-label='bar'] rect", 34],
    ["/time", "g[aria-label='cell'] rect", 4 * 24], // the demo spans four days
    ["/apps", "g[aria-label='bar'] rect", 16],
    ["/hashtags", "g[aria-label='bar'] rect", 25],
    ["/bots", "g[aria-label='bar'] rect", 5]
  ];
  for (const [path, mark, count] of pages) {
    test(`${path} renders its chart with no errors and no outside requests`, async () => {
      const page = await browser.newPage();
      const {errors, requests} = watchPage(page);
      await page.goto(site.url + path, {waitUntil: "networkidle"});
      await page.waitForSelector("#chart svg");
      expect(await page.locator("#demo-notice").count()).toBe(1);
      expect(await page.locator(`#chart svg ${mark}`).count()).toBe(count);
      expect(errors).toEqual([]);
      expect(requests.filter((url) => !url.startsWith(site.url))).toEqual([]);
    });
  }
});
