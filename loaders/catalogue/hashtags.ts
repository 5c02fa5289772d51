import type {Engine} from "../engine.ts";
import {IN_WINDOW, WINDOW_TOOTS, type Forms} from "./forms.ts";
import {windowed, type WindowOptions} from "./ranked.ts";

/** The most used hashtags (lower-cased), counting toots and distinct accounts using each. */
export interface HashtagRow {
  tag: string;
  toots: number;
  accounts: number;
}

export const hashtagForms: Forms = {
  embedded: `SELECT tag, count(*) AS toots, count(DISTINCT account_acct) AS accounts
    FROM (SELECT unnest(tags) AS tag, account_acct FROM ${WINDOW_TOOTS})
    GROUP BY tag ORDER BY toots DESC, tag LIMIT $limit`,
  // Pinot groups a multi-value column by each of its values; a toot without tags holds the
  // column's default "" (see pinot/schema.json), which the filter leaves out.
  pinot: `SELECT tags AS tag, COUNT(*) AS toots, DISTINCTCOUNT(account_acct) AS accounts
    FROM mastodon WHERE ${IN_WINDOW} AND tags != '' GROUP BY tags ORDER BY COUNT(*) DESC, tags LIMIT $limit`
};

export const hashtags = (engine: Engine, options: WindowOptions) => windowed<HashtagRow>(engine, hashtagForms, options, 25);
