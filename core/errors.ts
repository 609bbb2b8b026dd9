// Typed errors every layer may throw without knowing who answers: the API maps them to its
// HTTP errors (api/errors.ts), the web UI to a page. So a lower layer (files/, db/) never
// imports the API to say "bad request" or "not found". Like all of core/, it imports nothing of the project.

/** The caller asked for something malformed or not allowed (a path with `..`); the message says what. */
export class InvalidRequestError extends Error {
  override name = 'InvalidRequestError';
}

/** What the caller named does not exist; `what` names it, e.g. "file 'out/a.png'". */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
  constructor(what: string) {
    super(`${what} not found`);
  }
}

/**
 * Work stopped because its caller cancelled it (an aborted AbortSignal): a host command killed
 * when its activity was cancelled, say. Its name is `AbortError`, as Node's own, because that
 * name is how Temporal's worker tells a cancelled activity from a failed one.
 */
export class AbortError extends Error {
  override name = 'AbortError';
}
