import type {Engine} from "../engine.ts";
import {IN_WINDOW, runForm, WINDOW_TOOTS, type Forms} from "./forms.ts";
import {latestWindow, type Window} from "./window.ts";

/** The overview: how much, by how many, from where — now and in the window before. */
export interface Totals {
  toots: number;
  accounts: number;
  servers: number;
  languages: number;
}

export interface Overview {
  engine: string;
  demo: boolean;
  window: Window | null;
  totals: Totals;
  previous: Totals;
  perMinute: {minute: number; toots: number}[];
  topServers: {server: string; toots: number}[];
}

const totals: Forms = {
  embedded: `SELECT count(*) AS toots, count(DISTINCT account_acct) AS accounts,
    count(DISTINCT origin_server) AS servers, count(DISTINCT language) AS languages
    FROM ${WINDOW_TOOTS}`,
  pinot: `SELECT COUNT(*) AS toots, DISTINCTCOUNT(account_acct) AS accounts,
    DISTINCTCOUNT(origin_server) AS servers, DISTINCTCOUNT(language) AS languages
    FROM mastodon WHERE ${IN_WINDOW}`
};

const perMinute: Forms = {
  embedded: `SELECT (created_at // 60000) * 60000 AS minute, count(*) AS toots
    FROM ${WINDOW_TOOTS} GROUP BY 1 ORDER BY 1`,
  pinot: `SELECT DATETRUNC('MINUTE', created_at) AS minute, COUNT(*) AS toots
    FROM mastodon WHERE ${IN_WINDOW} GROUP BY DATETRUNC('MINUTE', created_at)
    ORDER BY DATETRUNC('MINUTE', created_at) LIMIT 1000000`
};

const topServers: Forms = {
  embedded: `SELECT origin_server AS server, count(*) AS toots
    FROM ${WINDOW_TOOTS} GROUP BY 1 ORDER BY toots DESC, server LIMIT $limit`,
  pinot: `SELECT origin_server AS server, COUNT(*) AS toots
    FROM mastodon WHERE ${IN_WINDOW} GROUP BY origin_server ORDER BY COUNT(*) DESC, origin_server LIMIT $limit`
};

const EMPTY: Totals = {toots: 0, accounts: 0, servers: 0, languages: 0};

export interface OverviewOptions {
  hours: number;
  /** End of the window (epoch ms); default: the newest toot. */
  to?: number;
  topServers?: number;
}

export async function overview(engine: Engine, options: OverviewOptions): Promise<Overview> {
  const window = await latestWindow(engine, options.hours, options.to);
  const result: Overview = {engine: engine.name, demo: engine.demo, window, totals: EMPTY, previous: EMPTY, perMinute: [], topServers: []};
  if (!window) return result;
  const now = {from: window.from, to: window.to};
  const [[current], [previous], minutes, servers] = await Promise.all([
    runForm<Totals>(engine, totals, now),
    runForm<Totals>(engine, totals, {from: window.previousFrom, to: window.from}),
    runForm<{minute: number; toots: number}>(engine, perMinute, now),
    runForm<{server: string; toots: number}>(engine, topServers, {...now, limit: options.topServers ?? 15})
  ]);
  return {...result, totals: current ?? EMPTY, previous: previous ?? EMPTY, perMinute: fillMinutes(minutes, window), topServers: servers};
}

/** Minutes without toots are zeros on the chart, not gaps that a line would bridge. */
export function fillMinutes(rows: {minute: number; toots: number}[], window: {from: number; to: number}): {minute: number; toots: number}[] {
  const byMinute = new Map(rows.map((r) => [r.minute, r.toots]));
  const out: {minute: number; toots: number}[] = [];
  for (let m = window.from; m < window.to; m += 60_000) out.push({minute: m, toots: byMinute.get(m) ?? 0});
  return out;
}
