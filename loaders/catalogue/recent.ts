import type {Engine} from "../engine.ts";
import {pinotText} from "../pinot/nulls.ts";
import {IN_WINDOW, WINDOW_TOOTS, type Forms} from "./forms.ts";
import {windowed, type WindowOptions} from "./ranked.ts";

/** The newest toots of the window, with their text (null when the author opted out or deleted it). */
export interface RecentRow {
  created_at: number;
  account: string;
  origin_server: string;
  language: string;
  text: string | null;
  tags: string[];
}

export const recentForms: Forms = {
  embedded: `SELECT created_at, account_acct AS account, origin_server, language, text, tags
    FROM ${WINDOW_TOOTS} ORDER BY created_at DESC, uri LIMIT $limit`,
  pinot: `SELECT created_at, account_acct AS account, origin_server, language, text, tags
    FROM mastodon WHERE ${IN_WINDOW} ORDER BY created_at DESC, uri LIMIT $limit`
};

export async function recent(engine: Engine, options: WindowOptions) {
  const result = await windowed<RecentRow>(engine, recentForms, options, 30);
  // Pinot keeps "no tags" as its multi-value default, one empty string, and no text as its own default.
  return {...result, rows: result.rows.map((r) => ({...r, text: pinotText(r.text), tags: (r.tags ?? []).filter((t) => t !== "")}))};
}
