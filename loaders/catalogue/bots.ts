import type {Engine} from "../engine.ts";
import {IN_WINDOW, WINDOW_TOOTS, type Forms} from "./forms.ts";
import {windowed, type WindowOptions} from "./ranked.ts";

/** The busiest accounts flagged as bots, with how regular they are: their toots per active hour. */
export interface BotRow {
  account: string;
  toots: number;
  hours: number;
}

export const botForms: Forms = {
  embedded: `SELECT account_acct AS account, count(*) AS toots, count(DISTINCT created_at // 3600000) AS hours
    FROM ${WINDOW_TOOTS} WHERE bot GROUP BY account_acct ORDER BY toots DESC, account LIMIT $limit`,
  pinot: `SELECT account_acct AS account, COUNT(*) AS toots, DISTINCTCOUNT(FLOOR(created_at / 3600000)) AS hours
    FROM mastodon WHERE ${IN_WINDOW} AND bot = true GROUP BY account_acct ORDER BY COUNT(*) DESC, account_acct LIMIT $limit`
};

export const bots = (engine: Engine, options: WindowOptions) => windowed<BotRow>(engine, botForms, options, 15);
