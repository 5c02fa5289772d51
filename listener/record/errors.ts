/** A status from a server that cannot become a toot record; `field` names what was wrong. */
export class InvalidStatusError extends Error {
  override readonly name = "InvalidStatusError";
  constructor(readonly field: string, message: string, options?: {cause?: unknown}) {
    super(`invalid status ${field}: ${message}`, options);
  }
}
