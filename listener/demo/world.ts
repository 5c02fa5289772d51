/**
 * The fixed facts of the demo fediverse: servers (by rank, so sizes follow Zipf), their home
 * language and time zone, language shares, client apps, hashtags, and a few words per language.
 * Shares are of the order seen on the federated timelines of large servers in 2023–2025.
 */
export interface DemoServer {
  host: string;
  language: string;
  utcOffset: number;
}

export const SERVERS: DemoServer[] = [
  ["mastodon.social", "en", -5], ["mstdn.social", "en", -5], ["mas.to", "en", -5], ["mastodon.online", "en", 0],
  ["fosstodon.org", "en", -5], ["hachyderm.io", "en", -8], ["infosec.exchange", "en", -5], ["mstdn.jp", "ja", 9],
  ["mastodon.world", "en", -5], ["techhub.social", "en", -5], ["universeodon.com", "en", -5], ["masto.ai", "en", 0],
  ["pawoo.net", "ja", 9], ["chaos.social", "de", 1], ["mastodon.cloud", "ja", 9], ["troet.cafe", "de", 1],
  ["det.social", "de", 1], ["mastodon.uno", "it", 1], ["piaille.fr", "fr", 1], ["mamot.fr", "fr", 1],
  ["mastodon.nl", "nl", 1], ["social.vivaldi.net", "en", 1], ["toot.community", "en", 1], ["aus.social", "en", 10],
  ["mastodon.scot", "en", 0], ["norden.social", "de", 1], ["mastodon.art", "en", -5], ["sfba.social", "en", -8],
  ["kolektiva.social", "es", -3], ["mastodon.green", "en", 0], ["mstdn.ca", "en", -5], ["tkz.one", "es", -6],
  ["masto.es", "es", 1], ["mastodon.gal", "gl", 1], ["social.tchncs.de", "de", 1], ["mastodon.nu", "sv", 1],
  ["mastodon.ie", "en", 0], ["qoto.org", "en", -5], ["m.cmx.im", "zh", 8], ["mastodon.in.th", "th", 7],
  ["mastodon.kr", "ko", 9], ["mastodonapp.uk", "en", 0]
].map(([host, language, utcOffset]) => ({host, language, utcOffset}) as DemoServer);

/** The servers the demo listener "follows": origin and source agree for local toots only. */
export const FOLLOWED = ["mastodon.social", "fosstodon.org", "mstdn.jp", "chaos.social", "mas.to", "hachyderm.io"];

export const LANGUAGES: [string, number][] = [
  ["en", 42], ["de", 9], ["ja", 8], ["fr", 5], ["es", 4], ["unknown", 7], ["pt", 3], ["nl", 2], ["it", 1.5],
  ["zh", 1.5], ["ru", 1], ["pl", 1], ["ko", 0.8], ["sv", 0.8], ["ca", 0.6], ["fi", 0.6], ["da", 0.5], ["no", 0.5],
  ["cs", 0.5], ["uk", 0.5], ["tr", 0.4], ["gl", 0.3], ["eu", 0.3], ["el", 0.3], ["ar", 0.3], ["fa", 0.3],
  ["id", 0.3], ["hu", 0.3], ["th", 0.2], ["he", 0.2], ["vi", 0.2], ["ro", 0.2], ["eo", 0.2], ["la", 0.1]
];

export const APPS: [string, number][] = [
  ["Web", 45], ["Mastodon for Android", 10], ["Mastodon for iOS", 10], ["Ivory for iOS", 6], ["Tusky", 6],
  ["Ice Cubes", 3], ["Elk", 3], ["Phanpy", 2], ["Fedilab", 2], ["Moshidon", 2], ["Toot!", 2], ["Megalodon", 1],
  ["Trunks", 1], ["Mammoth", 2], ["Tooot", 1], ["feed2toot", 1]
];

export const TAGS = [
  "introductions", "photography", "caturday", "art", "opensource", "linux", "music", "news", "fediverse",
  "mastodon", "climate", "books", "gaming", "rust", "python", "javascript", "infosec", "ai", "science",
  "nature", "food", "travel", "politics", "football", "movies", "blacksky", "dogsofmastodon", "birds",
  "retrocomputing", "selfhosting", "homelab", "gardening", "knitting", "astronomy", "history", "poetry",
  "silentsunday", "mondaymotivation", "fedi22", "screenshotsaturday"
];

/** Trending bursts: [tag, start as a fraction of the span, length in hours, multiplier]. */
export const BURSTS: [string, number, number, number][] = [
  ["caturday", 0.2, 6, 12], ["infosec", 0.45, 3, 25], ["football", 0.7, 2, 30], ["astronomy", 0.85, 4, 15]
];

/** A few words per language; scripts without spaces are joined without them. */
export const WORDS: Record<string, string[]> = {
  en: ["the", "new", "today", "people", "think", "really", "good", "morning", "coffee", "server", "world", "just", "release", "read", "photo"],
  de: ["heute", "wieder", "schön", "Leute", "Kaffee", "neue", "Welt", "gerade", "Bild", "gut", "Server", "denke", "noch", "mal"],
  ja: ["今日", "は", "いい", "天気", "です", "ね", "コーヒー", "を", "飲み", "ました", "新しい", "写真"],
  zh: ["今天", "天气", "很", "好", "我们", "喜欢", "咖啡", "新", "照片", "朋友"],
  th: ["วันนี้", "อากาศ", "ดี", "มาก", "กาแฟ", "เพื่อน", "ใหม่", "รูป"],
  ko: ["오늘", "날씨", "좋아요", "커피", "사진", "새로운", "친구"],
  fr: ["aujourd'hui", "nouveau", "monde", "café", "bonjour", "photo", "vraiment", "les", "gens"],
  es: ["hoy", "nuevo", "mundo", "café", "buenos", "días", "gente", "foto", "muy"],
  // Strangers type markup too: it must reach the pages as text, never as HTML.
  unknown: ["lol", "ok", "👍", "🎉", "+1", "wow", "<b>bold?</b>", "<img src=x onerror=alert(1)>", "a&b"],
  other: ["lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit"]
};

export const UNSPACED = new Set(["ja", "zh", "th"]);
