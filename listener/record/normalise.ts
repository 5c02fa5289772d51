import {InvalidStatusError} from "./errors.ts";
import {UNKNOWN_LANGUAGE, type Toot} from "./schema.ts";
import {countCharacters, countWords, htmlToText} from "./text.ts";

/** Where and when a status was seen, and whether text may be kept at all (--no-text). */
export interface SeenContext {
  sourceServer: string;
  receivedAt: number;
  keepText?: boolean;
}

/** Accounts that asked not to be indexed or archived keep their counts but not their words. */
export function hasOptedOut(account: Record<string, unknown>): boolean {
  if (account.noindex === true || account.discoverable === false) return true;
  const note = typeof account.note === "string" ? account.note.toLowerCase() : "";
  return /#(nobot|noarchive)\b/.test(note);
}

/**
 * A Mastodon status (megalodon's Entity.Status, or the REST JSON) → the toot record.
 * Input is from strangers, so every field is checked; a missing essential field throws
 * InvalidStatusError naming it, optional fields fall back to their empty values.
 */
export function normaliseStatus(input: unknown, seen: SeenContext): Toot {
  const status = object(input, "status");
  const account = object(status.account, "account");
  const uri = string(status.uri, "uri");
  const origin = hostOf(uri);
  const username = string(account.username, "account.username");
  const acct = string(account.acct ?? username, "account.acct");
  const content = typeof status.content === "string" ? status.content : "";
  const plain = htmlToText(content);
  const keepText = seen.keepText !== false && !hasOptedOut(account);
  return {
    uri,
    id: id(status.id),
    url: typeof status.url === "string" ? status.url : null,
    created_at: time(status.created_at, "created_at"),
    received_at: seen.receivedAt,
    source_server: seen.sourceServer,
    origin_server: origin,
    account_acct: acct.includes("@") ? acct.toLowerCase() : `${acct}@${origin}`.toLowerCase(),
    username,
    bot: account.bot === true,
    account_created_at: optionalTime(account.created_at),
    followers_count: count(account.followers_count),
    language: language(status.language),
    app: appName(status.application),
    visibility: typeof status.visibility === "string" ? status.visibility : "public",
    sensitive: status.sensitive === true,
    has_spoiler: typeof status.spoiler_text === "string" && status.spoiler_text.length > 0,
    is_reply: status.in_reply_to_id != null,
    media_count: Array.isArray(status.media_attachments) ? status.media_attachments.length : 0,
    has_poll: status.poll != null,
    tags: tags(status.tags),
    mentions_count: Array.isArray(status.mentions) ? status.mentions.length : 0,
    text: keepText ? plain : null,
    characters: countCharacters(plain),
    words: countWords(plain),
    favourites_count: count(status.favourites_count),
    reblogs_count: count(status.reblogs_count),
    replies_count: count(status.replies_count),
    edited_at: optionalTime(status.edited_at)
  };
}

export function normaliseLanguage(value: unknown): string {
  if (typeof value !== "string") return UNKNOWN_LANGUAGE;
  const code = value.trim().toLowerCase();
  return code === "" || code === "und" ? UNKNOWN_LANGUAGE : code;
}
const language = normaliseLanguage;

function object(value: unknown, field: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new InvalidStatusError(field, "not an object");
  return value as Record<string, unknown>;
}

function string(value: unknown, field: string): string {
  if (typeof value !== "string" || value === "") throw new InvalidStatusError(field, `expected a non-empty string, got ${describe(value)}`);
  return value;
}

/** Ids stay strings (they exceed 2^53); we only check they are the digits Mastodon uses. */
function id(value: unknown): string {
  const s = typeof value === "number" && Number.isSafeInteger(value) ? String(value) : value;
  if (typeof s !== "string" || !/^\d{1,30}$/.test(s)) throw new InvalidStatusError("id", `expected a numeric string, got ${describe(value)}`);
  return s;
}

function hostOf(uri: string): string {
  try {
    const host = new URL(uri).host.toLowerCase();
    if (host) return host;
  } catch {}
  throw new InvalidStatusError("uri", `no host in ${describe(uri)}`);
}

function time(value: unknown, field: string): number {
  const t = typeof value === "string" ? Date.parse(value) : NaN;
  if (!Number.isFinite(t)) throw new InvalidStatusError(field, `expected an ISO date, got ${describe(value)}`);
  return t;
}

function optionalTime(value: unknown): number | null {
  const t = typeof value === "string" ? Date.parse(value) : NaN;
  return Number.isFinite(t) ? t : null;
}

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? Math.floor(value) : 0;
}

function appName(value: unknown): string | null {
  if (value === null || typeof value !== "object") return null;
  const name = (value as Record<string, unknown>).name;
  return typeof name === "string" && name.trim() !== "" ? name.trim() : null;
}

function tags(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const names = new Set<string>();
  for (const tag of value) {
    const name = tag && typeof tag === "object" ? (tag as Record<string, unknown>).name : undefined;
    if (typeof name === "string" && name !== "") names.add(name.toLowerCase());
  }
  return [...names];
}

function describe(value: unknown): string {
  const s = typeof value === "string" ? JSON.stringify(value) : String(value);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
