import type {Engine} from "../engine.ts";
import {IN_WINDOW, WINDOW_TOOTS, type Forms} from "./forms.ts";
import {windowed, type WindowOptions} from "./ranked.ts";

/** Which languages toots are written in, and by how many accounts. */
export interface LanguageRow {
  language: string;
  toots: number;
  accounts: number;
}

export const languageForms: Forms = {
  embedded: `SELECT language, count(*) AS toots, count(DISTINCT account_acct) AS accounts
    FROM ${WINDOW_TOOTS} GROUP BY language ORDER BY toots DESC, language LIMIT $limit`,
  pinot: `SELECT language, COUNT(*) AS toots, DISTINCTCOUNT(account_acct) AS accounts
    FROM mastodon WHERE ${IN_WINDOW} GROUP BY language ORDER BY COUNT(*) DESC, language LIMIT $limit`
};

export const languages = (engine: Engine, options: WindowOptions) => windowed<LanguageRow>(engine, languageForms, options, 40);
