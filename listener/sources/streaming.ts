import type {WebSocketInterface} from "megalodon";
import {ConnectionError, HttpStatusError, type ListenerError} from "../errors.ts";
import {megalodonClient, subscribe, tame, type TamedStream} from "./megalodon.ts";
import type {ServerSpec, Source, SourceHandlers, Timeline} from "./types.ts";

export interface StreamingOptions {
  /** Give up on a connection that is not open after this long (megalodon sets no timeout). */
  connectTimeoutMs: number;
}

/**
 * One streaming session through megalodon: instance lookup, WebSocket, events until the socket
 * closes. It never reconnects; the supervisor decides when and whether to open the next one.
 */
export class StreamingSource implements Source {
  readonly kind = "streaming";
  private tamed: TamedStream | null = null;
  private client: ReturnType<typeof megalodonClient> | null = null;
  private handlers: SourceHandlers | null = null;
  private connectTimer: NodeJS.Timeout | undefined;
  private opens = 0;
  private lastError: ListenerError | undefined;
  private ended = false;

  constructor(private readonly server: ServerSpec, private readonly timeline: Timeline, private readonly options: StreamingOptions) {}

  start(handlers: SourceHandlers): void {
    this.handlers = handlers;
    this.connectTimer = setTimeout(
      () => this.end(new ConnectionError(this.server.name, `no streaming connection after ${Math.round(this.options.connectTimeoutMs / 1000)} s`)),
      this.options.connectTimeoutMs
    );
    this.connectTimer.unref();
    void this.open();
  }

  stop(): void {
    this.end(undefined, false);
  }

  private async open(): Promise<void> {
    let stream: WebSocketInterface;
    try {
      this.client = megalodonClient(this.server);
      stream = await subscribe(this.client, this.timeline);
    } catch (error) {
      return this.end(lookupError(this.server.name, error));
    }
    const tamed = tame(stream, (error) => this.handlers?.malformed("unreadable frame", error.message));
    if (this.ended) return tamed.dispose(0);
    this.tamed = tamed;
    this.bind(tamed);
  }

  private bind({stream, socket}: TamedStream): void {
    const h = this.handlers!;
    stream.on("connect", () => {
      if (this.ended) return;
      clearTimeout(this.connectTimer);
      // With megalodon's reconnection disabled a second `connect` should not happen; if it does,
      // the socket was replaced behind our back: end the session so the gap gets backfilled.
      if (++this.opens > 1) return this.end(new ConnectionError(this.server.name, "stream reconnected by megalodon"));
      h.open();
    });
    stream.on("update", (status: unknown) => this.ended || h.event({kind: "update", status}));
    stream.on("status_update", (status: unknown) => this.ended || h.event({kind: "edit", status}));
    stream.on("delete", (id: unknown) => this.ended || h.event({kind: "delete", id}));
    stream.on("heartbeat", () => this.ended || h.alive());
    stream.on("parser-error", (error: Error) => this.ended || h.malformed(parserReason(error), error.message));
    // Without an `error` listener a refused connection crashes the process.
    stream.on("error", (error: unknown) => {
      this.lastError = socketError(this.server.name, error);
    });
    stream.on("close", () => this.end(new ConnectionError(this.server.name, "stream closed by the server")));
    socket?.on("close", (code) => this.end(this.lastError ?? new ConnectionError(this.server.name, `stream closed (code ${code})`)));
  }

  /** Ends the session once: disposes the stream and reports why (undefined when stopped). */
  private end(error: ListenerError | undefined, report = true): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.connectTimer);
    this.tamed?.dispose();
    // Cancels an instance lookup still in flight.
    this.client?.cancel();
    if (report) this.handlers?.closed(error);
  }
}

function parserReason(error: Error): string {
  if (error.message.startsWith("Unknown event")) return "unknown event";
  return "unreadable frame";
}

/** The instance lookup (axios) failed: keep the status, never the request (it carries the token). */
function lookupError(server: string, error: unknown): ListenerError {
  const status = (error as {response?: {status?: unknown}})?.response?.status;
  if (typeof status === "number") return new HttpStatusError(server, status, "GET /api/v1/instance", null, {cause: error});
  const message = error instanceof Error ? error.message : String(error);
  return new ConnectionError(server, `instance lookup failed: ${message}`, {cause: error});
}

/** ws reports a refused upgrade as "Unexpected server response: 401". */
function socketError(server: string, error: unknown): ListenerError {
  const message = error instanceof Error ? error.message : String(error);
  const status = /Unexpected server response: (\d{3})/.exec(message);
  if (status) return new HttpStatusError(server, Number(status[1]), "streaming", null, {cause: error});
  return new ConnectionError(server, `stream error: ${message}`, {cause: error});
}
