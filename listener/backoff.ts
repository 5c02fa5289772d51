/**
 * Retry timing for everything the listener retries: exponential growth with full jitter
 * (a uniformly random wait between 0 and min(max, base·2^attempt)), so many listeners — or many
 * servers in one listener — that lost their connections at the same moment do not come back in step.
 */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  random?: () => number;
}

export class Backoff {
  private attempt = 0;
  private readonly random: () => number;

  constructor(private readonly options: BackoffOptions) {
    if (!(options.baseMs > 0)) throw new Error(`invalid backoff base: ${options.baseMs}`);
    if (!(options.maxMs >= options.baseMs)) throw new Error(`invalid backoff max: ${options.maxMs}`);
    this.random = options.random ?? Math.random;
  }

  get attempts(): number {
    return this.attempt;
  }

  /** The wait before the next attempt; each call counts one more failure. */
  next(): number {
    const cap = Math.min(this.options.maxMs, this.options.baseMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return Math.floor(this.random() * cap);
  }

  /** After a success: the next failure waits little again. */
  reset(): void {
    this.attempt = 0;
  }
}

/** Waits `ms`, or less if the signal aborts (then resolves false). Never keeps the process alive. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const done = (completed: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      resolve(completed);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    timer.unref();
    signal?.addEventListener("abort", onAbort, {once: true});
  });
}
