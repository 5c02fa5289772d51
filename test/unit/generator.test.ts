import {createHash} from "node:crypto";
import {describe, expect, test} from "vitest";
import {demoToots} from "../../listener/demo/generator.ts";
import type {Toot} from "../../listener/record/schema.ts";

const digest = (toots: Iterable<Toot>) => {
  const hash = createHash("sha256");
  for (const t of toots) hash.update(JSON.stringify(t));
  return hash.digest("hex");
};

describe("demo generator", () => {
  test("same seed, same toots; another seed, other toots", () => {
    expect(digest(demoToots({toots: 2000, seed: 7}))).toBe(digest(demoToots({toots: 2000, seed: 7})));
    expect(digest(demoToots({toots: 2000, seed: 7}))).not.toBe(digest(demoToots({toots: 2000, seed: 8})));
  });

  test("exactly the requested number, in time order, inside the span, unique uris", () => {
    const end = Date.UTC(2026, 10, 30);
    const toots = [...demoToots({toots: 5000, days: 2, end})];
    expect(toots).toHaveLength(5000);
    expect(new Set(toots.map((t) => t.uri)).size).toBe(5000);
    expect(toots.every((t) => t.created_at >= end - 2 * 86_400_000 && t.created_at < end + 2000)).toBe(true);
    expect(toots.every((t, i) => i === 0 || t.created_at >= toots[i - 1]!.created_at)).toBe(true);
    expect(toots.every((t) => t.received_at > t.created_at)).toBe(true);
  });

  test("duplicates option relays copies of the same uri through a second server", () => {
    const toots = [...demoToots({toots: 4000, duplicates: 0.1})];
    const uris = new Set(toots.map((t) => t.uri));
    expect(uris.size).toBe(4000);
    expect(toots.length - uris.size).toBeGreaterThan(300);
    expect(toots.length - uris.size).toBeLessThan(500);
  });

  describe("distributions of 60,000 toots over 4 days", () => {
    const toots = [...demoToots({toots: 60_000, seed: 1, days: 4})];
    const share = (p: (t: Toot) => boolean) => toots.filter(p).length / toots.length;
    const countBy = (key: (t: Toot) => string) => {
      const m = new Map<string, number>();
      for (const t of toots) m.set(key(t), (m.get(key(t)) ?? 0) + 1);
      return [...m.entries()].sort((a, b) => b[1] - a[1]);
    };

    test("heavy-tailed servers: the largest has ~a quarter, dozens have some", () => {
      const servers = countBy((t) => t.origin_server);
      expect(servers[0]![0]).toBe("mastodon.social");
      expect(servers[0]![1] / toots.length).toBeGreaterThan(0.15);
      expect(servers[0]![1] / toots.length).toBeLessThan(0.35);
      expect(servers.length).toBeGreaterThanOrEqual(40);
    });

    test("30+ languages, English the largest, unknown present", () => {
      const languages = countBy((t) => t.language);
      expect(languages.length).toBeGreaterThanOrEqual(30);
      expect(languages[0]![0]).toBe("en");
      expect(share((t) => t.language === "en")).toBeGreaterThan(0.3);
      expect(share((t) => t.language === "unknown")).toBeGreaterThan(0.01);
    });

    test("a diurnal cycle: busiest hour of day at least twice the quietest", () => {
      const byHour = countBy((t) => String(new Date(t.created_at).getUTCHours())).map(([, n]) => n);
      expect(byHour).toHaveLength(24);
      expect(Math.max(...byHour) / Math.min(...byHour)).toBeGreaterThan(2);
    });

    test("bots post on schedules", () => {
      const bots = countBy((t) => (t.bot ? t.account_acct : ""));
      const bot = toots.filter((t) => t.account_acct === bots.find(([a]) => a !== "")![0]);
      const minutes = bot.slice(1).map((t, i) => Math.round((t.created_at - bot[i]!.created_at) / 60_000));
      expect(new Set(minutes).size).toBeLessThanOrEqual(2); // period, and period ± 1 from second jitter
      expect(share((t) => t.bot)).toBeGreaterThan(0.03);
      expect(share((t) => t.bot)).toBeLessThan(0.07);
    });

    test("rates of replies, content warnings, media, polls, hashtags", () => {
      expect(share((t) => t.is_reply)).toBeCloseTo(0.28, 1);
      expect(share((t) => t.has_spoiler)).toBeCloseTo(0.05, 1);
      expect(share((t) => t.media_count > 0)).toBeCloseTo(0.19, 1);
      expect(share((t) => t.has_poll)).toBeGreaterThan(0.005);
      expect(share((t) => t.has_poll)).toBeLessThan(0.015);
      expect(share((t) => t.tags.length > 0)).toBeCloseTo(0.25, 1);
    });

    test("a trending burst: #football is far more frequent inside its window", () => {
      const start = toots[0]!.created_at, span = 4 * 86_400_000;
      const from = start + 0.7 * span, to = from + 2 * 3_600_000;
      const inside = toots.filter((t) => t.created_at >= from && t.created_at < to);
      const outside = toots.filter((t) => t.created_at < from || t.created_at >= to);
      const rate = (ts: Toot[]) => ts.filter((t) => t.tags.includes("football")).length / ts.length;
      expect(rate(inside) / rate(outside)).toBeGreaterThan(5);
    });

    test("opted-out authors are counted without text; apps only on local toots", () => {
      expect(share((t) => t.text === null)).toBeGreaterThan(0.02);
      expect(toots.filter((t) => t.app !== null).every((t) => t.origin_server === t.source_server)).toBe(true);
      expect(share((t) => t.app !== null)).toBeGreaterThan(0.05);
    });
  });
});
