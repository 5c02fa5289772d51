import {STATUS_CODES, type IncomingMessage} from "node:http";
import type {Duplex} from "node:stream";
import {WebSocketServer, type WebSocket} from "ws";
import {checkToken, tokenOf, type AuthPolicy} from "./auth.ts";
import type {StoredStatus} from "./timeline.ts";

/** One subscription, as Mastodon names it in every frame's `stream` array. */
interface Channel {
  stream: "public" | "public:local" | "public:remote" | "hashtag" | "hashtag:local";
  tag?: string;
}

const STREAMS = new Set(["public", "public:local", "public:remote", "hashtag", "hashtag:local"]);

export interface StreamingOptions {
  auth: AuthPolicy;
  pingIntervalMs: number;
  heartbeatIntervalMs: number;
}

/**
 * The WebSocket half of the fake: `/api/v1/streaming?stream=…&tag=…&access_token=…`, frames shaped
 * like Mastodon's (`{"stream":[…],"event":…,"payload":"<JSON as a string>"}`), ws pings like its
 * streaming server, plus the faults tests need: abrupt drops, refusals, stalls.
 */
export class FakeStreaming {
  private readonly wss = new WebSocketServer({noServer: true, maxPayload: 64 * 1024});
  private readonly channels = new Map<WebSocket, Channel[]>();
  private readonly timers: NodeJS.Timeout[] = [];
  private refuseUntil = 0;
  private pausedUntil = 0;
  private stallUntil = 0;
  private readonly stalled = new Set<Duplex>();
  private readonly waiters = new Set<() => void>();

  constructor(private readonly options: StreamingOptions) {
    if (options.pingIntervalMs > 0) this.every(options.pingIntervalMs, () => this.eachClient((ws) => ws.ping()));
    if (options.heartbeatIntervalMs > 0) this.every(options.heartbeatIntervalMs, () => !this.paused() && this.eachClient((ws) => ws.send("")));
  }

  get clients(): number {
    return this.channels.size;
  }

  /** Upgrade requests for the streaming path; anything else is answered 404. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void {
    socket.on("error", () => socket.destroy());
    if (url.pathname.replace(/\/$/, "") !== "/api/v1/streaming") return reject(socket, 404, "Not Found");
    if (Date.now() < this.refuseUntil) return reject(socket, 503, "Service Unavailable");
    if (Date.now() < this.stallUntil) {
      // Never answered: the client hangs in CONNECTING until it gives up.
      this.stalled.add(socket);
      socket.on("close", () => this.stalled.delete(socket));
      return;
    }
    const refusal = checkToken(this.options.auth, tokenOf(req, url), this.options.auth.requireToken);
    if (refusal) return reject(socket, refusal.status, refusal.error);
    const stream = url.searchParams.get("stream");
    const channel = stream === null ? null : parseChannel(stream, url.searchParams.get("tag"));
    if (stream !== null && !channel) return reject(socket, 400, "Unknown stream type");
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, channel ? [channel] : []));
  }

  /** Sends an event to every client subscribed to a channel the status belongs to. */
  broadcast(event: "update" | "status.update", stored: StoredStatus): number {
    if (this.paused()) return 0;
    const payload = JSON.stringify(stored.status);
    let sent = 0;
    this.eachClient((ws, channels) => {
      for (const channel of channels) {
        if (!matches(channel, stored)) continue;
        ws.send(frame(channel, event, payload));
        sent++;
        break;
      }
    });
    return sent;
  }

  /** Deletions go to every public subscriber: Mastodon does not know which channel had the status. */
  broadcastDelete(id: string): void {
    if (this.paused()) return;
    this.eachClient((ws, channels) => channels[0] && ws.send(frame(channels[0], "delete", id)));
  }

  sendRaw(data: string): void {
    this.eachClient((ws) => ws.send(data));
  }

  /** Cuts every stream without a close frame (the client sees 1006), or with `code` if given. */
  drop(options: {refuseMs?: number; code?: number} = {}): number {
    this.refuseUntil = Math.max(this.refuseUntil, Date.now() + (options.refuseMs ?? 0));
    const n = this.channels.size;
    for (const ws of [...this.channels.keys()]) {
      if (options.code) ws.close(options.code);
      else ws.terminate();
    }
    return n;
  }

  refuse(ms: number): void {
    this.refuseUntil = Math.max(this.refuseUntil, Date.now() + ms);
  }

  refusing(): boolean {
    return Date.now() < this.refuseUntil;
  }

  /** Upgrade requests during `ms` are never answered (a handshake that hangs). */
  stallHandshakes(ms: number): void {
    this.stallUntil = Math.max(this.stallUntil, Date.now() + ms);
  }

  /** Statuses posted meanwhile are stored (REST has them) but never streamed: a stalled stream. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
  }

  async waitForClients(n: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.channels.size < n) {
      if (Date.now() > deadline) throw new Error(`fake mastodon: ${this.channels.size} streaming clients after ${timeoutMs} ms, expected ${n}`);
      await new Promise<void>((resolve) => {
        const done = () => (this.waiters.delete(done), resolve());
        this.waiters.add(done);
        setTimeout(done, 20).unref();
      });
    }
  }

  close(): void {
    for (const t of this.timers) clearInterval(t);
    for (const ws of this.channels.keys()) ws.terminate();
    for (const socket of this.stalled) socket.destroy();
    this.wss.close();
  }

  private accept(ws: WebSocket, channels: Channel[]): void {
    this.channels.set(ws, channels);
    for (const w of this.waiters) w();
    ws.on("close", () => this.channels.delete(ws));
    ws.on("error", () => ws.terminate());
    // Mastodon also takes {"type":"subscribe","stream":…} messages on an open socket.
    ws.on("message", (data) => {
      try {
        const m = JSON.parse(String(data)) as {type?: string; stream?: string; tag?: string};
        const channel = typeof m.stream === "string" ? parseChannel(m.stream, m.tag ?? null) : null;
        if (!channel) return;
        const list = this.channels.get(ws) ?? [];
        if (m.type === "subscribe") list.push(channel);
        if (m.type === "unsubscribe") list.splice(0, list.length, ...list.filter((c) => c.stream !== channel.stream || c.tag !== channel.tag));
      } catch {}
    });
  }

  private paused(): boolean {
    return Date.now() < this.pausedUntil;
  }

  private eachClient(fn: (ws: WebSocket, channels: Channel[]) => unknown): void {
    for (const [ws, channels] of this.channels) if (ws.readyState === ws.OPEN) fn(ws, channels);
  }

  private every(ms: number, fn: () => unknown): void {
    const t = setInterval(fn, ms);
    t.unref();
    this.timers.push(t);
  }
}

function parseChannel(stream: string, tag: string | null): Channel | null {
  if (!STREAMS.has(stream)) return null;
  if (stream.startsWith("hashtag")) return tag ? {stream: stream as Channel["stream"], tag: tag.toLowerCase()} : null;
  return {stream: stream as Channel["stream"]};
}

function matches(channel: Channel, s: StoredStatus): boolean {
  switch (channel.stream) {
    case "public": return true;
    case "public:local": return s.local;
    case "public:remote": return !s.local;
    case "hashtag": return s.tags.includes(channel.tag!);
    case "hashtag:local": return s.local && s.tags.includes(channel.tag!);
  }
}

function frame(channel: Channel, event: string, payload: string): string {
  return JSON.stringify({stream: channel.tag ? [channel.stream, channel.tag] : [channel.stream], event, payload});
}

function reject(socket: Duplex, status: number, error: string): void {
  const body = JSON.stringify({error});
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Error"}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
