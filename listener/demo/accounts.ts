import {UNKNOWN_LANGUAGE} from "../record/schema.ts";
import {APPS, LANGUAGES, type DemoServer} from "./world.ts";
import {chance, hashString, int, logNormal, pick, seeded, weighted, type Random} from "./random.ts";

export interface DemoAccount {
  username: string;
  host: string;
  bot: boolean;
  createdAt: number;
  followers: number;
  optedOut: boolean;
  language: string;
  app: string;
}

const SYLLABLES = ["ka", "ri", "mo", "tan", "lu", "ne", "so", "vi", "bel", "dor", "fin", "ga", "hex", "jo", "ke", "lin", "mar", "nox", "pi", "quin", "ros", "sa", "tor", "ul", "wen", "yu", "zed"];
const pickLanguage = weighted(LANGUAGES.map(([l]) => l), LANGUAGES.map(([, w]) => w));
const pickApp = weighted(APPS.map(([a]) => a), APPS.map(([, w]) => w));
const MASTODON_RUSH = Date.UTC(2022, 10, 1); // the November 2022 sign-up wave

/** Account k of a server, the same every time it is asked for: no table, so pools can be huge. */
export function demoAccount(seed: number, server: DemoServer, k: number): DemoAccount {
  const random: Random = seeded(hashString(`${seed}/${server.host}/${k}`));
  const name = Array.from({length: int(random, 2, 3)}, () => pick(random, SYLLABLES)).join("");
  const joined = chance(random, 0.35)
    ? MASTODON_RUSH + random() * 90 * 86_400_000
    : Date.UTC(2017, 0, 1) + random() * (Date.UTC(2026, 9, 1) - Date.UTC(2017, 0, 1));
  const home = chance(random, 0.7) ? server.language : pickLanguage(random);
  return {
    username: `${name}${k}`,
    host: server.host,
    bot: false,
    createdAt: Math.floor(joined / 1000) * 1000,
    followers: Math.floor(logNormal(random, 4, 1.6)),
    optedOut: chance(random, 0.06),
    language: home === UNKNOWN_LANGUAGE ? "en" : home,
    app: pickApp(random)
  };
}

export interface DemoBot extends DemoAccount {
  periodMinutes: number;
  offsetMinutes: number;
  tag: string;
  template: string;
}

const BOT_KINDS: Omit<DemoBot, "host" | "createdAt" | "followers" | "optedOut" | "bot" | "offsetMinutes">[] = [
  {username: "weather", periodMinutes: 60, tag: "weather", template: "Hourly weather: 12°C, light rain", language: "en", app: "feed2toot"},
  {username: "earthquakes", periodMinutes: 30, tag: "earthquake", template: "M2.4 earthquake reported", language: "en", app: "feed2toot"},
  {username: "nachrichten", periodMinutes: 15, tag: "news", template: "Neue Meldung aus der Redaktion", language: "de", app: "Trunks"},
  {username: "jishin", periodMinutes: 20, tag: "地震", template: "地震情報 震度1", language: "ja", app: "feed2toot"},
  {username: "hourlycats", periodMinutes: 60, tag: "caturday", template: "Your hourly cat picture", language: "en", app: "Megalodon"},
  {username: "status", periodMinutes: 10, tag: "uptime", template: "All systems operational", language: "en", app: "feed2toot"},
  {username: "rss", periodMinutes: 5, tag: "news", template: "New article published", language: "en", app: "feed2toot"},
  {username: "headlines", periodMinutes: 12, tag: "news", template: "Les titres du moment", language: "fr", app: "feed2toot"}
];

/** Scheduled bots, added until their toots would pass `budget` over `minutes`. */
export function demoBots(seed: number, hosts: DemoServer[], minutes: number, budget: number): DemoBot[] {
  const random = seeded(hashString(`${seed}/bots`));
  const bots: DemoBot[] = [];
  let total = 0;
  for (let i = 0; total < budget; i++) {
    const kind = BOT_KINDS[i % BOT_KINDS.length]!;
    const posts = Math.floor(minutes / kind.periodMinutes);
    if (posts === 0 || total + posts > budget) break;
    total += posts;
    bots.push({
      ...kind,
      username: i < BOT_KINDS.length ? `${kind.username}bot` : `${kind.username}bot${Math.floor(i / BOT_KINDS.length)}`,
      host: hosts[i % hosts.length]!.host,
      bot: true,
      createdAt: Date.UTC(2023, 0, 1) + int(random, 0, 600) * 86_400_000,
      followers: int(random, 50, 5000),
      optedOut: false,
      offsetMinutes: int(random, 0, kind.periodMinutes - 1)
    });
  }
  return bots;
}
