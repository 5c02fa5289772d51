import type {Engine} from "../engine.ts";
import {IN_WINDOW, WINDOW_TOOTS, type Forms} from "./forms.ts";
import {windowed, type WindowOptions} from "./ranked.ts";

/** Time of day (UTC hour) × weekday (0 = Monday), for the weekly rhythm of the fediverse. */
export interface HourRow {
  weekday: number;
  hour: number;
  toots: number;
}

// Epoch day 0 (1970-01-01) was a Thursday, hence the +3 to make Monday 0.
export const hourForms: Forms = {
  embedded: `SELECT CAST(((created_at // 86400000) + 3) % 7 AS INTEGER) AS weekday,
    CAST((created_at // 3600000) % 24 AS INTEGER) AS hour, count(*) AS toots
    FROM ${WINDOW_TOOTS} GROUP BY 1, 2 ORDER BY 1, 2 LIMIT $limit`,
  pinot: `SELECT MOD(FLOOR(created_at / 86400000) + 3, 7) AS weekday, MOD(FLOOR(created_at / 3600000), 24) AS hour, COUNT(*) AS toots
    FROM mastodon WHERE ${IN_WINDOW}
    GROUP BY MOD(FLOOR(created_at / 86400000) + 3, 7), MOD(FLOOR(created_at / 3600000), 24)
    ORDER BY MOD(FLOOR(created_at / 86400000) + 3, 7), MOD(FLOOR(created_at / 3600000), 24) LIMIT $limit`
};

/** A rhythm needs a week: the window is at least the 7 days ending at the newest toot. */
export const hours = (engine: Engine, options: WindowOptions) =>
  windowed<HourRow>(engine, hourForms, {...options, hours: Math.max(options.hours, 168), limit: 168}, 168);
