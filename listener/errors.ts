/**
 * The listener's errors. `retriable` tells the supervisor whether waiting and trying again can help
 * (a refused connection, a 503) or not (a rejected token, a bad option).
 */
export class ListenerError extends Error {
  override readonly name: string = "ListenerError";
  constructor(message: string, readonly retriable: boolean, options?: {cause?: unknown}) {
    super(message, options);
  }
}

/** A command-line option or environment variable that cannot be used; the message names it. */
export class OptionsError extends ListenerError {
  override readonly name = "OptionsError";
  constructor(message: string, options?: {cause?: unknown}) {
    super(message, false, options);
  }
}

/** The server could not be reached, or the connection broke. */
export class ConnectionError extends ListenerError {
  override readonly name = "ConnectionError";
  constructor(readonly server: string, message: string, options?: {cause?: unknown}) {
    super(`${server}: ${message}`, true, options);
  }
}

/** The server answered with an HTTP error. 401/403 are not retriable: the token will not change. */
export class HttpStatusError extends ListenerError {
  override readonly name = "HttpStatusError";
  constructor(readonly server: string, readonly status: number, what: string, readonly retryAfterMs: number | null = null, options?: {cause?: unknown}) {
    super(`${server}: ${what} answered HTTP ${status}`, !(status === 401 || status === 403), options);
  }

  get unauthorized(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

/** A stream that delivered nothing for longer than the watchdog allows. */
export class SilentStreamError extends ListenerError {
  override readonly name = "SilentStreamError";
  constructor(readonly server: string, readonly silentMs: number) {
    super(`${server}: stream silent for ${Math.round(silentMs / 1000)} s`, true);
  }
}

/** A response that is not what Mastodon sends (not JSON, not an array). */
export class ProtocolError extends ListenerError {
  override readonly name = "ProtocolError";
  constructor(readonly server: string, message: string, options?: {cause?: unknown}) {
    super(`${server}: ${message}`, true, options);
  }
}

/** The chosen sink cannot be opened (e.g. the Kafka sink module is missing). */
export class SinkUnavailableError extends ListenerError {
  override readonly name = "SinkUnavailableError";
  constructor(message: string, options?: {cause?: unknown}) {
    super(message, false, options);
  }
}

/** A line of a --replay file that is not a recorded event. */
export class ReplayError extends ListenerError {
  override readonly name = "ReplayError";
  constructor(readonly file: string, readonly line: number, message: string, options?: {cause?: unknown}) {
    super(`${file}:${line}: ${message}`, false, options);
  }
}

/** Any thrown value as a ListenerError (unknown errors are assumed transient). */
export function asListenerError(error: unknown, server: string): ListenerError {
  if (error instanceof ListenerError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ConnectionError(server, message, {cause: error});
}

/**
 * Replaces every secret in a text by a placeholder. Tokens travel in WebSocket URLs and headers,
 * and libraries put URLs in error messages, so every line the listener prints goes through this.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join("[redacted]");
  return out.replace(/(access_token=)[^&\s"']+/gi, "$1[redacted]").replace(/(Bearer\s+)[^\s"',]+/gi, "$1[redacted]");
}

/** Where the listener's messages go; the CLI's implementation redacts tokens and keeps the status line intact. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

/**
 * "Logged once, then counted": bad input can arrive thousands of times a minute, so each
 * source+reason is printed at most once per window, with how many were skipped since.
 */
export class RateLimitedLog {
  private readonly last = new Map<string, {at: number; skipped: number}>();

  constructor(private readonly write: (message: string) => void, private readonly windowMs: number, private readonly clock: () => number = Date.now) {}

  /** Prints `source: reason: detail`; the key is source+reason with long numbers (ids, ports) masked. */
  report(source: string, reason: string, detail = ""): void {
    const key = `${source}\u0000${reason.replace(/\d{4,}/g, "#")}`;
    const now = this.clock();
    const entry = this.last.get(key);
    if (entry && now - entry.at < this.windowMs) {
      entry.skipped++;
      return;
    }
    const more = entry?.skipped ? ` (+${entry.skipped} more since the last report)` : "";
    // Keys are server × reason (a small set), but cap the map in case reasons ever vary freely.
    if (this.last.size > 10_000) this.last.clear();
    this.last.set(key, {at: now, skipped: 0});
    this.write(`${source}: ${reason}${detail ? `: ${truncate(detail)}` : ""}${more}`);
  }
}

/** Details may quote whole frames (a 1 MB content): keep log lines short. */
export function truncate(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, " ");
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
