import {createServer, type IncomingMessage, type Server, type ServerResponse} from "node:http";
import type {AddressInfo} from "node:net";
import type {Duplex} from "node:stream";
import type {AuthPolicy} from "./auth.ts";
import {handleControl} from "./control.ts";
import {handleRest, json, type RequestLogEntry, type RestContext} from "./rest.ts";
import {FakeStreaming} from "./streaming.ts";
import {FakeTimeline, type Status} from "./timeline.ts";

export interface FakeMastodonOptions {
  /** 0 (default): a free port. */
  port?: number;
  host?: string;
  /** The instance's domain; statuses whose uri has this host are local. Default `localhost:<port>`. */
  domain?: string;
  /** Refuse streaming without a token (401), as Mastodon 4.2+ does. */
  requireToken?: boolean;
  /** Refuse anonymous timeline requests too (servers that disable the public timeline preview). */
  requireTokenForTimelines?: boolean;
  /** Accepted tokens; default: any non-empty token. */
  tokens?: string[];
  /** Serve streaming on its own port, advertised in urls.streaming_api (like streaming.mastodon.social). */
  separateStreamingPort?: boolean;
  /** WebSocket ping interval, as Mastodon's streaming server (30 s); 0: none. */
  pingIntervalMs?: number;
  /** Empty text frames (megalodon's `heartbeat` event); 0 (default): none. */
  heartbeatIntervalMs?: number;
  /** The /_fake/* HTTP control endpoints (default true). */
  control?: boolean;
  version?: string;
  /** Statuses kept for REST; the oldest are forgotten beyond this. */
  capacity?: number;
}

export interface FakeMastodon {
  readonly url: string;
  readonly streamingUrl: string;
  readonly domain: string;
  /** host:port of the REST API, as a listener names this server. */
  readonly host: string;
  readonly requests: RequestLogEntry[];
  readonly clients: number;
  readonly statuses: number;
  /** Stores a status under a new local id (same uri) and streams it; returns the stored copy. */
  post(status: Record<string, unknown>, options?: {local?: boolean}): Status;
  /** Replaces a stored status (found by id, else uri), sets edited_at, streams `status.update`. */
  edit(status: Record<string, unknown>): Status;
  /** Removes a status and streams `delete` with its id; false when unknown (the event is still sent). */
  delete(id: string): boolean;
  /** Sends a frame as is to every streaming client (a string, or an object serialised as JSON). */
  sendRaw(frame: string | object): void;
  /** Cuts every streaming connection; with refuseMs, refuses streaming and REST that long (an outage). */
  dropConnections(options?: {refuseMs?: number; code?: number}): number;
  /** For `ms`, posts are stored but not streamed (a stalled stream on a live socket). */
  pauseStreaming(ms: number): void;
  /** For `ms`, streaming handshakes are never answered (the client hangs while connecting). */
  stallHandshakes(ms: number): void;
  waitForClients(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** A local Mastodon close enough to the real protocol that megalodon connects to it unmodified. */
export async function startFakeMastodon(options: FakeMastodonOptions = {}): Promise<FakeMastodon> {
  const o = validate(options);
  const auth: AuthPolicy = {requireToken: o.requireToken, requireTokenForTimelines: o.requireTokenForTimelines, tokens: o.tokens};
  const timeline = new FakeTimeline(o.capacity);
  const streaming = new FakeStreaming({auth, pingIntervalMs: o.pingIntervalMs, heartbeatIntervalMs: o.heartbeatIntervalMs});
  const requests: RequestLogEntry[] = [];
  const servers: Server[] = [];
  let ctx: RestContext;
  let fake: FakeMastodon;

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://fake.invalid");
    res.on("finish", () => requests.push({method: req.method ?? "GET", path: url.pathname, query: queryOf(url), status: res.statusCode}));
    try {
      if (o.control && url.pathname.startsWith("/_fake/")) return void handleControl(fake, req, res, url);
      if (!handleRest(ctx, req, res, url)) json(res, 404, {error: "Record not found"});
    } catch (error) {
      json(res, 500, {error: (error as Error).message});
    }
  };
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => streaming.upgrade(req, socket, head, new URL(req.url ?? "/", "http://fake.invalid"));

  const main = await listen(createServer(onRequest), o.port, o.host);
  servers.push(main);
  let streamServer = main;
  if (o.separateStreamingPort) {
    streamServer = await listen(createServer((_, res) => json(res, 404, {error: "Not Found"})), 0, o.host);
    servers.push(streamServer);
  }
  streamServer.on("upgrade", onUpgrade);

  const advertised = o.host === "0.0.0.0" || o.host === "::" ? "127.0.0.1" : o.host.includes(":") ? `[${o.host}]` : o.host;
  const host = `${advertised}:${(main.address() as AddressInfo).port}`;
  const url = `http://${host}`;
  const streamingUrl = `ws://${advertised}:${(streamServer.address() as AddressInfo).port}`;
  const domain = o.domain ?? `localhost:${(main.address() as AddressInfo).port}`;
  ctx = {timeline, auth, url, streamingUrl, domain, version: o.version, refusing: () => streaming.refusing(), streamingClients: () => streaming.clients};

  const isLocal = (status: Record<string, unknown>) => {
    try {
      return new URL(String(status.uri)).host === domain;
    } catch {
      return false;
    }
  };

  fake = {
    url, streamingUrl, domain, host, requests,
    get clients() {
      return streaming.clients;
    },
    get statuses() {
      return timeline.size;
    },
    post(status, postOptions = {}) {
      const stored = timeline.add({...status, id: timeline.nextId()}, postOptions.local ?? isLocal(status));
      streaming.broadcast("update", stored);
      return stored.status;
    },
    edit(status) {
      const stored = (typeof status.id === "string" && timeline.find(status.id)) || (typeof status.uri === "string" && timeline.findByUri(status.uri));
      if (!stored) throw new Error(`fake mastodon: no status ${String(status.id ?? status.uri)} to edit`);
      timeline.replace(stored, {...stored.status, ...status, id: stored.status.id, edited_at: status.edited_at ?? new Date().toISOString()});
      streaming.broadcast("status.update", stored);
      return stored.status;
    },
    delete(id) {
      const removed = timeline.remove(id);
      streaming.broadcastDelete(id);
      return removed !== undefined;
    },
    sendRaw(frame) {
      streaming.sendRaw(typeof frame === "string" ? frame : JSON.stringify(frame));
    },
    dropConnections(dropOptions = {}) {
      return streaming.drop(dropOptions);
    },
    pauseStreaming(ms) {
      if (!(ms >= 0)) throw new Error(`invalid pause: ${ms}`);
      streaming.pause(ms);
    },
    stallHandshakes(ms) {
      if (!(ms >= 0)) throw new Error(`invalid stall: ${ms}`);
      streaming.stallHandshakes(ms);
    },
    waitForClients(n, timeoutMs = 10_000) {
      return streaming.waitForClients(n, timeoutMs);
    },
    async close() {
      streaming.close();
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      })));
    }
  };
  return fake;
}

type Validated = Required<Omit<FakeMastodonOptions, "domain" | "tokens">> & Pick<FakeMastodonOptions, "domain" | "tokens">;

function validate(options: FakeMastodonOptions): Validated {
  const o = {
    port: 0, host: "127.0.0.1", requireToken: false, requireTokenForTimelines: false, separateStreamingPort: false,
    pingIntervalMs: 30_000, heartbeatIntervalMs: 0, control: true, version: "4.3.2", capacity: 200_000, ...options
  };
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) throw new Error(`invalid port: ${o.port}`);
  for (const key of ["pingIntervalMs", "heartbeatIntervalMs"] as const) {
    if (!Number.isFinite(o[key]) || o[key] < 0) throw new Error(`invalid ${key}: ${o[key]}`);
  }
  if (!Number.isInteger(o.capacity) || o.capacity < 1) throw new Error(`invalid capacity: ${o.capacity}`);
  if (o.tokens && (!Array.isArray(o.tokens) || o.tokens.some((t) => typeof t !== "string" || t === ""))) throw new Error("invalid tokens: expected non-empty strings");
  return o;
}

function listen(server: Server, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}

function queryOf(url: URL): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) if (k !== "access_token") query[k] = v;
  return query;
}
