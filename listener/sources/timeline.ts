import {HttpStatusError, ProtocolError, ConnectionError} from "../errors.ts";
import {USER_AGENT} from "./megalodon.ts";
import type {ServerSpec, Timeline} from "./types.ts";

/** Mastodon's largest timeline page. */
export const PAGE_LIMIT = 40;

export interface PageRequest {
  minId?: string;
  limit?: number;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/**
 * One timeline page over REST, newest first as Mastodon returns it. Plain fetch rather than
 * megalodon: its getPublicTimeline always sends local=false, and here we want the raw JSON.
 */
export async function fetchPage(server: ServerSpec, timeline: Timeline, request: PageRequest = {}): Promise<unknown[]> {
  const path = timelinePath(timeline);
  const url = new URL(path, server.url);
  if (timeline.kind === "local") url.searchParams.set("local", "true");
  url.searchParams.set("limit", String(request.limit ?? PAGE_LIMIT));
  if (request.minId) url.searchParams.set("min_id", request.minId);
  const headers: Record<string, string> = {Accept: "application/json", "User-Agent": USER_AGENT};
  if (server.token) headers.Authorization = `Bearer ${server.token}`;
  const signals = [AbortSignal.timeout(request.timeoutMs ?? 30_000)];
  if (request.signal) signals.push(request.signal);
  let response: Response;
  try {
    response = await fetch(url, {headers, signal: AbortSignal.any(signals)});
  } catch (error) {
    const cause = (error as {cause?: {code?: string; message?: string}}).cause;
    throw new ConnectionError(server.name, `GET ${path} failed: ${cause?.code ?? cause?.message ?? (error as Error).message}`, {cause: error});
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new HttpStatusError(server.name, response.status, `GET ${path}`, retryAfter(response.headers.get("retry-after")));
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    throw new ProtocolError(server.name, `GET ${path}: response is not JSON`, {cause: error});
  }
  if (!Array.isArray(body)) throw new ProtocolError(server.name, `GET ${path}: expected an array of statuses`);
  return body;
}

export interface Page {
  /** Statuses oldest first, the order they were posted in. */
  statuses: unknown[];
  /** The highest numeric id in the page, where the next page starts; null if none. */
  cursor: string | null;
  /** No newer statuses after this page (it was short, or paging could not advance). */
  caughtUp: boolean;
}

/**
 * Pages forward from `fromId` with `min_id` until caught up (a page shorter than the limit). With
 * `since_id` Mastodon would return the newest page and leave a hole when more than one page was
 * missed; `min_id` returns the statuses immediately after the id. Without `fromId`: the newest page.
 */
export async function* pageForward(server: ServerSpec, timeline: Timeline, fromId: string | null, options: {signal?: AbortSignal; maxPages?: number; limit?: number} = {}): AsyncGenerator<Page> {
  const limit = options.limit ?? PAGE_LIMIT;
  let cursor = fromId;
  for (let page = 0; page < (options.maxPages ?? Infinity); page++) {
    const statuses = await fetchPage(server, timeline, {minId: cursor ?? undefined, limit, signal: options.signal});
    const top = maxId(statuses);
    const caughtUp = cursor === null || statuses.length < limit || top === null || BigInt(top) <= BigInt(cursor);
    yield {statuses: statuses.slice().reverse(), cursor: top, caughtUp};
    if (caughtUp) return;
    cursor = top;
  }
}

/** The REST path of a timeline (the local timeline is the public one with local=true). */
export function timelinePath(timeline: Timeline): string {
  return timeline.kind === "hashtag" ? `/api/v1/timelines/tag/${encodeURIComponent(timeline.tag)}` : "/api/v1/timelines/public";
}

/** The highest numeric id (compared as BigInt: ids exceed 2^53). */
export function maxId(statuses: unknown[]): string | null {
  let best: string | null = null;
  for (const s of statuses) {
    const id = (s as {id?: unknown} | null)?.id;
    if (typeof id === "string" && /^\d{1,30}$/.test(id) && (best === null || BigInt(id) > BigInt(best))) best = id;
  }
  return best;
}

/** Greater of two ids (either may be null), compared as BigInt. */
export function laterId(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return BigInt(b) > BigInt(a) ? b : a;
}

function retryAfter(value: string | null): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : null;
}
