/**
 * The one module that knows megalodon's streaming internals (10.3.0). megalodon does the protocol
 * (instance lookup, streaming_api URL, frames → events); this module takes away what the
 * supervisor must own, because measured behaviour made it unusable for a long-lived daemon:
 * - it reconnects on its own every 10 s, forever, with no public setting → disabled;
 * - it emits nothing on an abnormal close → we listen to the socket's own `close`;
 * - its open handler starts ping timers (10 s, then 60 s) that keep the process alive after
 *   stop() → replaced by one that only emits `connect`; silence is the watchdog's job;
 * - a frame whose payload is `null` (or has a non-object `quote`) throws inside the socket's
 *   message handler: an uncaught exception that kills the process → parse is guarded;
 * - stopping a socket that is still connecting emits `error` after megalodon removed every
 *   `error` listener, which also kills the process → a listener is kept after stop().
 * If a later megalodon renames these fields, `socket` is null and supervision falls back to its
 * `connect` events and the silence watchdog.
 */
import generator, {type WebSocketInterface} from "megalodon";
import type {ServerSpec, Timeline} from "./types.ts";

/** The parts of a ws WebSocket we use. */
export interface SocketLike {
  readyState: number;
  on(event: "close", listener: (code: number, reason: Buffer) => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
  on(event: "open", listener: () => void): unknown;
  terminate(): void;
}

export interface TamedStream {
  stream: WebSocketInterface;
  /** The underlying socket, or null when megalodon's internals are not where we expect them. */
  socket: SocketLike | null;
  /** Stops the stream for good: polite close, then the socket is destroyed after `graceMs`. */
  dispose(graceMs?: number): void;
}

interface StreamingInternals {
  _client?: unknown;
  _reconnectMaxAttempts?: number;
  parser?: {parse?: (event: unknown) => void};
}

export const USER_AGENT = "mastodon-observatory-listener/0.1";

/** A megalodon client for one server (used for streaming; REST goes through plain fetch). */
export function megalodonClient(server: ServerSpec) {
  return generator("mastodon", server.url, server.token, USER_AGENT);
}

/** `await client.publicStreaming()` and friends: megalodon fetches /api/v1/instance first. */
export async function subscribe(client: ReturnType<typeof megalodonClient>, timeline: Timeline): Promise<WebSocketInterface> {
  switch (timeline.kind) {
    case "public": return client.publicStreaming();
    case "local": return client.localStreaming();
    case "hashtag": return client.tagStreaming(encodeURIComponent(timeline.tag));
  }
}

/**
 * Prepares a fresh stream for supervision. `onUnreadable` receives frames megalodon's converter
 * threw on. Must be called right after subscribe() resolves, before the socket can open.
 */
export function tame(stream: WebSocketInterface, onUnreadable: (error: Error) => void): TamedStream {
  const internals = stream as unknown as StreamingInternals;
  if (typeof internals._reconnectMaxAttempts === "number") internals._reconnectMaxAttempts = 0;
  const parser = internals.parser;
  if (parser && typeof parser.parse === "function") {
    const parse = parser.parse.bind(parser);
    parser.parse = (event: unknown) => {
      try {
        parse(event);
      } catch (error) {
        onUnreadable(error instanceof Error ? error : new Error(String(error)));
      }
    };
  }
  const socket = isSocket(internals._client) ? internals._client : null;
  if (socket) {
    // megalodon's own close handler logs to stdout and schedules its reconnect; its open handler
    // schedules pings on timers that outlive stop(). The supervisor replaces both.
    const handlers = socket as unknown as {onclose: null; onopen: null};
    handlers.onclose = null;
    handlers.onopen = null;
    const emitter = stream as unknown as {emit?: (event: string, value: unknown) => void};
    socket.on("open", () => emitter.emit?.("connect", {}));
  }
  let disposed = false;
  return {
    stream,
    socket,
    dispose(graceMs = 1000) {
      if (disposed) return;
      disposed = true;
      const current = (isSocket(internals._client) ? internals._client : socket) ?? null;
      try {
        stream.stop();
      } catch {}
      if (!current) return;
      current.on("error", () => {});
      const timer = setTimeout(() => current.terminate(), graceMs);
      timer.unref();
      current.on("close", () => clearTimeout(timer));
    }
  };
}

function isSocket(value: unknown): value is SocketLike {
  return value !== null && typeof value === "object" && typeof (value as SocketLike).on === "function"
    && typeof (value as SocketLike).terminate === "function" && typeof (value as SocketLike).readyState === "number";
}
