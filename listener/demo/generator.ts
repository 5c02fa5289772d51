import {normaliseStatus} from "../record/normalise.ts";
import type {Toot} from "../record/schema.ts";
import {demoAccount, demoBots, type DemoAccount} from "./accounts.ts";
import {chance, hashString, int, logNormal, logUniformIndex, pick, seeded, weighted, zipf, type Random} from "./random.ts";
import {mastodonStatus, snowflake, type DemoStatusParts} from "./status.ts";
import {BURSTS, FOLLOWED, LANGUAGES, SERVERS, TAGS, UNSPACED, WORDS, type DemoServer} from "./world.ts";

export interface DemoOptions {
  /** Toots to produce, bots included (exactly this many; more with duplicates). */
  toots: number;
  seed: number;
  days: number;
  /** End of the span, epoch ms: a fixed default, never the wall clock, so output is reproducible. */
  end: number;
  /** Share of toots also seen through a second followed server (exercises dedup). */
  duplicates: number;
}

export const DEMO_DEFAULTS: DemoOptions = {toots: 20_000, seed: 1, days: 4, end: Date.UTC(2026, 10, 30), duplicates: 0};

/** A status as a followed server delivered it. */
export interface DemoDelivery {
  status: Record<string, unknown>;
  createdAt: number;
  sourceServer: string;
  receivedAt: number;
}

const MINUTE = 60_000;
const serverWeights = zipf(SERVERS.length, 1.1);
const pickLanguage = weighted(LANGUAGES.map(([l]) => l), LANGUAGES.map(([, w]) => w));
const tagWeights = zipf(TAGS.length, 0.9);
const pickTag = weighted(TAGS, tagWeights);
const followed = SERVERS.filter((s) => FOLLOWED.includes(s.host));
const pickFollowed = weighted(followed, followed.map((s) => serverWeights[SERVERS.indexOf(s)]!));

/** Activity by local hour: lowest around 04:00, highest in the late afternoon and evening. */
function diurnal(utcMs: number, server: DemoServer): number {
  const date = new Date(utcMs + server.utcOffset * 3_600_000);
  const hour = date.getUTCHours() + date.getUTCMinutes() / 60;
  const day = date.getUTCDay();
  const weekend = day === 0 || day === 6 ? 0.85 : 1;
  return weekend * (0.15 + 0.85 * Math.pow((1 - Math.cos((2 * Math.PI * (hour - 4)) / 24)) / 2, 1.4));
}

/** Demo statuses in order of creation, as the followed servers deliver them. Streams: O(minutes) memory. */
export function* demoDeliveries(options: Partial<DemoOptions> = {}): Generator<DemoDelivery> {
  const o = {...DEMO_DEFAULTS, ...options};
  if (!Number.isInteger(o.toots) || o.toots < 0) throw new Error(`invalid toots: ${o.toots}`);
  if (!(o.days > 0)) throw new Error(`invalid days: ${o.days}`);
  const minutes = Math.round(o.days * 1440);
  const start = Math.floor(o.end / MINUTE) * MINUTE - minutes * MINUTE;
  const random = seeded(o.seed);
  const bots = demoBots(o.seed, followed, minutes, Math.floor(o.toots * 0.06));
  const botToots = bots.reduce((n, b) => n + Math.floor(minutes / b.periodMinutes), 0);
  const humans = o.toots - botToots;

  // Per minute: expected activity (sum over servers of size × local diurnal) with ±30% jitter,
  // then exact allocation of `humans` toots by cumulative rounding.
  const weights = new Float64Array(minutes);
  let total = 0;
  for (let i = 0; i < minutes; i++) {
    let w = 0;
    for (let s = 0; s < SERVERS.length; s++) w += serverWeights[s]! * diurnal(start + i * MINUTE, SERVERS[s]!);
    total += weights[i] = w * (0.7 + 0.6 * random());
  }
  let cumulative = 0, allocated = 0, sequence = 0;
  let hourChooser: ((r: Random) => DemoServer) | undefined, chooserHour = -1;
  for (let i = 0; i < minutes; i++) {
    const t0 = start + i * MINUTE;
    cumulative += weights[i]!;
    const count = Math.floor((cumulative / total) * humans + 1e-9) - allocated;
    allocated += count;
    const hour = Math.floor(i / 60);
    if (hour !== chooserHour) {
      hourChooser = weighted(SERVERS, SERVERS.map((s, k) => serverWeights[k]! * diurnal(t0, s)));
      chooserHour = hour;
    }
    const batch: DemoDelivery[] = [];
    for (let n = 0; n < count; n++) {
      const server = hourChooser!(random);
      const pool = Math.max(30, Math.round((serverWeights[SERVERS.indexOf(server)]! * o.toots) / 6));
      const account = demoAccount(o.seed, server, logUniformIndex(random, pool));
      batch.push(...human(random, o, account, t0 + Math.floor(random() * MINUTE), start, minutes, sequence++));
    }
    for (const bot of bots) {
      if ((i + bot.offsetMinutes) % bot.periodMinutes !== 0) continue;
      const createdAt = t0 + int(random, 0, 2000);
      batch.push(deliver(random, {
        ...parts(random, bot, createdAt, sequence++),
        language: bot.language, words: [bot.template], unspaced: true, tags: [bot.tag], app: bot.app
      }, bot, o.duplicates)[0]!);
    }
    batch.sort((a, b) => a.createdAt - b.createdAt);
    yield* batch;
  }
}

/** The demo as toot records: deliveries through the same normalisation as real statuses. */
export function* demoToots(options: Partial<DemoOptions> = {}): Generator<Toot> {
  for (const d of demoDeliveries(options)) yield normaliseStatus(d.status, {sourceServer: d.sourceServer, receivedAt: d.receivedAt});
}

function human(random: Random, o: DemoOptions, account: DemoAccount, createdAt: number, start: number, minutes: number, sequence: number): DemoDelivery[] {
  const language = chance(random, 0.85) ? account.language : pickLanguage(random);
  const vocabulary = WORDS[language] ?? WORDS.other!;
  const words = Array.from({length: Math.max(1, Math.min(80, Math.round(logNormal(random, 2.4, 0.7))))}, () => pick(random, vocabulary));
  const tags = new Set<string>();
  if (chance(random, 0.22)) for (let k = int(random, 1, 3); k > 0; k--) tags.add(pickTag(random));
  const at = (createdAt - start) / (minutes * MINUTE);
  for (const [tag, from, hours, factor] of BURSTS) {
    if (at >= from && at < from + hours / (minutes / 60) && chance(random, 0.004 * factor)) tags.add(tag);
  }
  const reply = chance(random, 0.3);
  const media = chance(random, 0.2) ? pick(random, [1, 1, 1, 1, 2, 2, 3, 4]) : 0;
  const spoiler = chance(random, 0.05) ? pick(random, ["spoilers", "politics", "food", "eye contact", "long post"]) : "";
  const mentions = reply || chance(random, 0.1) ? [demoAccount(o.seed, pick(random, SERVERS), int(random, 0, 500))] : [];
  return deliver(random, {
    ...parts(random, account, createdAt, sequence),
    language: language === "unknown" ? pick(random, [null, "und"]) : language,
    words, unspaced: UNSPACED.has(language), tags: [...tags], mentions,
    replyTo: reply ? snowflake(createdAt - int(random, 60_000, 86_400_000), sequence) : null,
    spoiler, sensitive: spoiler !== "" || (media > 0 && chance(random, 0.05)), media,
    poll: chance(random, 0.01)
  }, account, o.duplicates);
}

function parts(random: Random, account: DemoAccount, createdAt: number, sequence: number): DemoStatusParts {
  return {
    id: snowflake(createdAt, sequence), createdAt, account,
    accountId: String(100_000 + (hashString(`${account.host}/${account.username}`) % 9_000_000)),
    language: account.language, words: [], unspaced: false, tags: [], mentions: [],
    replyTo: null, spoiler: "", sensitive: false, media: 0, poll: false, app: account.app,
    favourites: chance(random, 0.2) ? int(random, 1, 5) : 0, reblogs: chance(random, 0.05) ? 1 : 0, replies: 0
  };
}

/** Local toots carry their app; federated copies don't (Mastodon hides remote applications). */
function deliver(random: Random, p: DemoStatusParts, account: DemoAccount, duplicates: number): DemoDelivery[] {
  const local = FOLLOWED.includes(account.host) && chance(random, 0.7);
  const source = local ? account.host : pickFollowed(random).host;
  const delay = local ? int(random, 50, 1500) : Math.round(200 + logNormal(random, 7, 1));
  const first = {status: mastodonStatus({...p, app: source === account.host ? p.app : null}), createdAt: p.createdAt, sourceServer: source, receivedAt: p.createdAt + delay};
  if (!chance(random, duplicates)) return [first];
  const other = followed.find((s) => s.host !== source)!.host;
  const copy = mastodonStatus({...p, originId: p.id, id: snowflake(p.createdAt, hashString(other) & 0xffff), app: null});
  return [first, {status: copy, createdAt: p.createdAt, sourceServer: other, receivedAt: first.receivedAt + int(random, 100, 5000)}];
}
