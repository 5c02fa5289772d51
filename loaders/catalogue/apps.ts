import type {Engine} from "../engine.ts";
import {IN_WINDOW, WINDOW_TOOTS, type Forms} from "./forms.ts";
import {windowed, type WindowOptions} from "./ranked.ts";

/** Client applications. Mastodon names the app only for toots local to the server that sent
 * them, so this ranks the toots whose app is known. */
export interface AppRow {
  app: string;
  toots: number;
  accounts: number;
}

export const appForms: Forms = {
  embedded: `SELECT app, count(*) AS toots, count(DISTINCT account_acct) AS accounts
    FROM ${WINDOW_TOOTS} WHERE app IS NOT NULL GROUP BY app ORDER BY toots DESC, app LIMIT $limit`,
  pinot: `SELECT app, COUNT(*) AS toots, DISTINCTCOUNT(account_acct) AS accounts
    FROM mastodon WHERE ${IN_WINDOW} AND app IS NOT NULL GROUP BY app ORDER BY COUNT(*) DESC, app LIMIT $limit`
};

export const apps = (engine: Engine, options: WindowOptions) => windowed<AppRow>(engine, appForms, options, 20);
