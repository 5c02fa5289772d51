import type {IncomingMessage} from "node:http";

/** What the fake checks about tokens: Mastodon 4.2+ refuses anonymous streaming (401). */
export interface AuthPolicy {
  requireToken: boolean;
  requireTokenForTimelines: boolean;
  /** Accepted tokens; undefined: any non-empty token is a valid user token. */
  tokens: string[] | undefined;
}

export interface Refusal {
  status: 401;
  error: string;
}

/** Mastodon reads the token from `access_token`, a Bearer header, or (streaming) the WebSocket protocol. */
export function tokenOf(req: IncomingMessage, url: URL): string | null {
  const query = url.searchParams.get("access_token");
  if (query) return query;
  const header = req.headers.authorization;
  if (header?.startsWith("Bearer ")) return header.slice(7).trim() || null;
  const protocol = req.headers["sec-websocket-protocol"];
  return typeof protocol === "string" && protocol.trim() ? protocol.split(",")[0]!.trim() : null;
}

/** null when allowed; otherwise the refusal Mastodon would give. A wrong token fails even where none is needed. */
export function checkToken(policy: AuthPolicy, token: string | null, required: boolean): Refusal | null {
  if (token !== null && policy.tokens && !policy.tokens.includes(token)) return {status: 401, error: "The access token is invalid"};
  if (token === null && required) return {status: 401, error: "Missing access token"};
  return null;
}
