/**
 * The hook through which a source's own protocol (its error envelopes, limit headers and
 * "try later" codes; the Qualys one lives in `@posturesync/qualys-common`) tells the vendor-neutral
 * HTTP client what a response means. Without one the client applies only HTTP itself: 401, 403,
 * 429, 5xx and `Retry-After`.
 */
export interface ResponseClassifier {
  /** Reads a response the client did not accept (not 2xx, not in `acceptStatus`). */
  classify(response: RefusedResponse): ResponseReading;
  /** What any response's headers say about the server's limits, to avoid a refusal before it happens. */
  limitHints(headers: Readonly<Record<string, string>>): LimitHints;
}

export interface RefusedResponse {
  status: number;
  /** Lower-cased header names. */
  headers: Readonly<Record<string, string>>;
  /** The start of the body (the excerpt the client reads, at most 1 MiB). */
  body: string;
}

/** What the source's protocol says about a refused response. */
export interface ResponseReading {
  /**
   * `limit`: a temporary limit; the client waits and tries again first in line. `refused`: a
   * permanent refusal of this account (a `PermissionError` with `message`). Null: HTTP rules apply.
   */
  verdict: { kind: 'limit'; limit: 'rate' | 'concurrency' } | { kind: 'refused'; message: string } | null;
  /** A wait the body or headers ask for beyond `Retry-After`, in milliseconds, or null. */
  waitMs: number | null;
  /** Fields added to the error's details (the source's error code and text). */
  details: Record<string, unknown>;
  /** The source's error in one sentence, shown instead of the raw body excerpt; null for none. */
  summary: string | null;
}

/** What a response's headers tell us about the limits. */
export interface LimitHints {
  /** The server's concurrency limit for this API. */
  concurrencyLimit: number | null;
  /** Pause new calls this long: the rate window is used up. */
  pauseMs: number | null;
  /** Calls the server allows per window. */
  rateLimit: number | null;
  /** The window of that limit in milliseconds. */
  windowMs: number | null;
  /** Calls left in the current window. */
  remaining: number | null;
}

export const noLimitHints: Readonly<LimitHints> = Object.freeze({
  concurrencyLimit: null,
  pauseMs: null,
  rateLimit: null,
  windowMs: null,
  remaining: null,
});

/** HTTP only: no vendor envelope, no vendor headers. */
export const httpOnlyClassifier: ResponseClassifier = {
  classify: () => ({ verdict: null, waitMs: null, details: {}, summary: null }),
  limitHints: () => noLimitHints,
};
