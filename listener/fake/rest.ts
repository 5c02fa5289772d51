import type {IncomingMessage, ServerResponse} from "node:http";
import {checkToken, tokenOf, type AuthPolicy} from "./auth.ts";
import {DEFAULT_LIMIT, MAX_LIMIT, type FakeTimeline, type StoredStatus} from "./timeline.ts";

export interface RestContext {
  timeline: FakeTimeline;
  auth: AuthPolicy;
  /** http://host:port of the REST API and ws://host:port of streaming, as the instance advertises them. */
  url: string;
  streamingUrl: string;
  domain: string;
  version: string;
  refusing(): boolean;
  streamingClients(): number;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  /** Query parameters, access_token removed. */
  query: Record<string, string>;
  status: number;
}

/** The Mastodon REST endpoints a listener uses. Returns false when the path is not one of them. */
export function handleRest(ctx: RestContext, req: IncomingMessage, res: ServerResponse, url: URL): boolean {
  const path = url.pathname.replace(/\/$/, "");
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  if (path === "/api/v1/streaming/health") return text(res, 200, "OK"), true;
  if (ctx.refusing()) return json(res, 503, {error: "Service Unavailable"}), true;
  if (path === "/api/v1/instance") return json(res, 200, instanceV1(ctx)), true;
  if (path === "/api/v2/instance") return json(res, 200, instanceV2(ctx)), true;
  const tag = /^\/api\/v1\/timelines\/tag\/([^/]+)$/.exec(path);
  if (path === "/api/v1/timelines/public" || tag) {
    const refusal = checkToken(ctx.auth, tokenOf(req, url), ctx.auth.requireTokenForTimelines);
    if (refusal) return json(res, refusal.status, {error: refusal.error}), true;
    timelinePage(ctx, res, url, tag ? decodeURIComponent(tag[1]!).toLowerCase() : null);
    return true;
  }
  const status = /^\/api\/v1\/statuses\/(\d+)$/.exec(path);
  if (status) {
    const stored = ctx.timeline.find(status[1]!);
    json(res, stored ? 200 : 404, stored ? stored.status : {error: "Record not found"});
    return true;
  }
  return false;
}

function timelinePage(ctx: RestContext, res: ServerResponse, url: URL, tag: string | null): void {
  const q = url.searchParams;
  const local = truthy(q.get("local"));
  const remote = truthy(q.get("remote"));
  const limitParam = Number(q.get("limit") ?? DEFAULT_LIMIT);
  const limit = Number.isInteger(limitParam) && limitParam > 0 ? Math.min(limitParam, MAX_LIMIT) : DEFAULT_LIMIT;
  const page = ctx.timeline.page({
    maxId: idParam(q.get("max_id")),
    sinceId: idParam(q.get("since_id")),
    minId: idParam(q.get("min_id")),
    limit,
    filter: (s: StoredStatus) => (!local || s.local) && (!remote || !s.local) && (tag === null || s.tags.includes(tag))
  });
  const headers: Record<string, string> = {};
  if (page.length > 0) {
    // Like Mastodon: next = older (max_id of the oldest), prev = newer (min_id of the newest).
    const link = (param: string, id: string) => {
      const u = new URL(url.pathname, ctx.url);
      for (const [k, v] of q) if (!["max_id", "since_id", "min_id", "access_token"].includes(k)) u.searchParams.set(k, v);
      u.searchParams.set(param, id);
      return u.href;
    };
    headers.Link = `<${link("max_id", page.at(-1)!.status.id)}>; rel="next", <${link("min_id", page[0]!.status.id)}>; rel="prev"`;
  }
  json(res, 200, page.map((s) => s.status), headers);
}

function instanceV1(ctx: RestContext): Record<string, unknown> {
  return {
    uri: ctx.domain,
    title: `Fake Mastodon (${ctx.domain})`,
    short_description: "A local Mastodon stand-in for tests and demos",
    description: "A local Mastodon stand-in for tests and demos",
    email: `admin@${ctx.domain}`,
    version: ctx.version,
    urls: {streaming_api: ctx.streamingUrl},
    stats: {user_count: 1, status_count: ctx.timeline.size, domain_count: 1},
    thumbnail: null,
    languages: ["en"],
    registrations: false,
    approval_required: false,
    invites_enabled: false,
    configuration: {
      accounts: {max_featured_tags: 10},
      statuses: {max_characters: 500, max_media_attachments: 4, characters_reserved_per_url: 23},
      media_attachments: {supported_mime_types: ["image/png"], image_size_limit: 16777216},
      polls: {max_options: 4, max_characters_per_option: 50, min_expiration: 300, max_expiration: 2629746}
    },
    contact_account: null,
    rules: []
  };
}

function instanceV2(ctx: RestContext): Record<string, unknown> {
  return {
    domain: ctx.domain,
    title: `Fake Mastodon (${ctx.domain})`,
    version: ctx.version,
    source_url: "https://github.com/mastodon/mastodon",
    description: "A local Mastodon stand-in for tests and demos",
    usage: {users: {active_month: 1}},
    thumbnail: {url: `${ctx.url}/packs/media/images/preview.png`},
    languages: ["en"],
    configuration: {
      urls: {streaming: ctx.streamingUrl, status: null},
      statuses: {max_characters: 500, max_media_attachments: 4, characters_reserved_per_url: 23},
      translation: {enabled: false}
    },
    registrations: {enabled: false, approval_required: false, message: null},
    contact: {email: `admin@${ctx.domain}`, account: null},
    rules: []
  };
}

function idParam(value: string | null): bigint | undefined {
  return value !== null && /^\d{1,30}$/.test(value) ? BigInt(value) : undefined;
}

function truthy(value: string | null): boolean {
  return value === "true" || value === "1";
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const data = JSON.stringify(body);
  res.writeHead(status, {"Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(data), ...headers});
  res.end(data);
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {"Content-Type": "text/plain", "Content-Length": Buffer.byteLength(body)});
  res.end(body);
}
