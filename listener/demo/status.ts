import type {DemoAccount} from "./accounts.ts";

/** The Mastodon 4.x status JSON the demo produces: what a real server sends, so the same
 * normalisation path (and the local fake server) handles demo and real data alike. */
export interface DemoStatusParts {
  /** The id on the server that delivers the status. */
  id: string;
  /** The id on the author's server, in the uri; defaults to id. */
  originId?: string;
  createdAt: number;
  account: DemoAccount;
  accountId: string;
  language: string | null;
  words: string[];
  unspaced: boolean;
  tags: string[];
  mentions: DemoAccount[];
  replyTo: string | null;
  spoiler: string;
  sensitive: boolean;
  media: number;
  poll: boolean;
  app: string | null;
  favourites: number;
  reblogs: number;
  replies: number;
}

const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function mastodonStatus(p: DemoStatusParts): Record<string, unknown> {
  const {account} = p;
  const base = `https://${account.host}`;
  const mentionHtml = p.mentions.map((m) =>
    `<span class="h-card" translate="no"><a href="https://${m.host}/@${m.username}" class="u-url mention">@<span>${m.username}</span></a></span> `).join("");
  const tagHtml = p.tags.map((t) => ` <a href="${base}/tags/${encodeURIComponent(t)}" class="mention hashtag" rel="tag">#<span>${escape(t)}</span></a>`).join("");
  const body = escape(p.words.join(p.unspaced ? "" : " "));
  const originId = p.originId ?? p.id;
  return {
    id: p.id,
    created_at: new Date(p.createdAt).toISOString(),
    in_reply_to_id: p.replyTo,
    in_reply_to_account_id: p.replyTo ? "109" + p.replyTo.slice(-6) : null,
    sensitive: p.sensitive,
    spoiler_text: p.spoiler,
    visibility: "public",
    language: p.language,
    uri: `${base}/users/${account.username}/statuses/${originId}`,
    url: `${base}/@${account.username}/${originId}`,
    replies_count: p.replies,
    reblogs_count: p.reblogs,
    favourites_count: p.favourites,
    edited_at: null,
    content: `<p>${mentionHtml}${body}${tagHtml}</p>`,
    reblog: null,
    application: p.app ? {name: p.app, website: null} : null,
    account: {
      id: p.accountId,
      username: account.username,
      acct: `${account.username}@${account.host}`,
      display_name: account.username,
      locked: false,
      bot: account.bot,
      discoverable: !account.optedOut,
      noindex: account.optedOut,
      group: false,
      created_at: new Date(account.createdAt).toISOString(),
      note: account.optedOut ? "<p>Please do not archive me. #NoArchive</p>" : "<p>Hello, fediverse.</p>",
      url: `${base}/@${account.username}`,
      avatar: `${base}/avatars/original/missing.png`,
      followers_count: account.followers,
      following_count: 0,
      statuses_count: 0,
      last_status_at: new Date(p.createdAt).toISOString().slice(0, 10),
      emojis: [],
      fields: []
    },
    media_attachments: Array.from({length: p.media}, (_, i) => ({id: `${p.id}${i}`, type: "image", url: `${base}/media/${p.id}/${i}.png`, description: null})),
    mentions: p.mentions.map((m, i) => ({id: `${i + 1}`, username: m.username, acct: `${m.username}@${m.host}`, url: `https://${m.host}/@${m.username}`})),
    tags: p.tags.map((t) => ({name: t, url: `${base}/tags/${encodeURIComponent(t)}`})),
    emojis: [],
    card: null,
    poll: p.poll ? {id: p.id, expires_at: null, expired: false, multiple: false, votes_count: 0, options: [{title: "yes", votes_count: 0}, {title: "no", votes_count: 0}]} : null
  };
}

/** Mastodon's snowflake ids: milliseconds << 16 plus a sequence; beyond 2^53, so strings. */
export function snowflake(ms: number, sequence: number): string {
  return ((BigInt(ms) << 16n) | BigInt(sequence & 0xffff)).toString();
}
