import type {ListenerError} from "../errors.ts";

/** Which timeline to follow: public is the federated timeline. */
export type Timeline = {kind: "public"} | {kind: "local"} | {kind: "hashtag"; tag: string};

/** One followed server. The token is a secret: it is never printed and only sent to this server. */
export interface ServerSpec {
  /** How records and logs name the server: the URL's host (with the port when not the default). */
  name: string;
  /** Origin of the REST API, no trailing slash. */
  url: string;
  token: string | null;
}

/** What a source read, before normalisation. `status` and `id` are untrusted server input. */
export type SourceEvent =
  | {kind: "update"; status: unknown}
  | {kind: "edit"; status: unknown}
  | {kind: "delete"; id: unknown};

/** How an event reached us; backfill = REST after a reconnect. */
export type Via = "stream" | "backfill" | "poll" | "replay";

/** An event as received, stamped: the unit of --record files and of the daemon's ingest(). */
export type RawEvent = SourceEvent & {server: string; receivedAt: number; via: Via};

export interface SourceHandlers {
  /** Connected: the stream is open, or a poll succeeded. */
  open(): void;
  event(event: SourceEvent): void;
  /** Traffic that is not an event but shows the stream is alive (heartbeat frames). */
  alive(): void;
  /** Input that could not be read at all (bad JSON, unknown event); it is skipped. */
  malformed(reason: string, detail: string): void;
  /** REST paging moved past this id (valid status or not), so the next page starts after it. */
  advance(id: string): void;
  /** The source has ended and never restarts itself; without an error it was stopped on request. */
  closed(error?: ListenerError): void;
}

/** A way of receiving a server's timeline: one session from start() until closed() or stop(). */
export interface Source {
  readonly kind: "streaming" | "polling";
  start(handlers: SourceHandlers): void;
  stop(): void;
}
