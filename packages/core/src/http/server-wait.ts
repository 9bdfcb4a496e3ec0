import type { SimpleReturn } from './simple-return.ts';

/** Qualys classic API codes that mean "blocked by a limit, try again later" (HTTP 409). */
export const qualysConcurrencyLimitCode = '1960';
export const qualysRateLimitCode = '1965';

/**
 * `Retry-After` as milliseconds from `now`: delta-seconds or an HTTP date. Null when absent or
 * unparseable; a date in the past means "no wait" (0).
 */
export function parseRetryAfter(value: string | undefined, now: number): number | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}

function parseSeconds(value: string | undefined): number | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return null;
  return Math.round(Number(trimmed) * 1000);
}

/**
 * The longest wait the server asked for, in milliseconds, from `Retry-After`,
 * `X-RateLimit-ToWait-Sec` and (Qualys code 1965) the `SECONDS_TO_WAIT` item. Null when the
 * server gave no hint. Headers are expected lower-cased.
 */
export function serverRequestedWaitMs(
  headers: Readonly<Record<string, string>>,
  simpleReturn: SimpleReturn | null,
  now: number,
): number | null {
  const hints = [
    parseRetryAfter(headers['retry-after'], now),
    parseSeconds(headers['x-ratelimit-towait-sec']),
    parseSeconds(simpleReturn?.items.SECONDS_TO_WAIT),
  ].filter((hint): hint is number => hint !== null);
  return hints.length === 0 ? null : Math.max(...hints);
}

/** What a successful response's headers tell us about the limits, to avoid a 409 before it happens. */
export interface LimitHints {
  /** The server's concurrency limit for this API (`X-Concurrency-Limit-Limit`). */
  concurrencyLimit: number | null;
  /** Pause new calls this long: the rate window is used up (`X-RateLimit-Remaining: 0`). */
  pauseMs: number | null;
  /** Calls the server allows per window (`X-RateLimit-Limit`). */
  rateLimit: number | null;
  /** The window of that limit in milliseconds (`X-RateLimit-Window-Sec`). */
  windowMs: number | null;
  /** Calls left in the current window (`X-RateLimit-Remaining`). */
  remaining: number | null;
}

export function limitHintsFromHeaders(headers: Readonly<Record<string, string>>): LimitHints {
  const concurrency = Number.parseInt(headers['x-concurrency-limit-limit'] ?? '', 10);
  const remaining = Number.parseInt(headers['x-ratelimit-remaining'] ?? '', 10);
  const toWait = parseSeconds(headers['x-ratelimit-towait-sec']);
  const rateLimit = Number.parseInt(headers['x-ratelimit-limit'] ?? '', 10);
  const windowMs = parseSeconds(headers['x-ratelimit-window-sec']);
  return {
    concurrencyLimit: Number.isInteger(concurrency) && concurrency > 0 ? concurrency : null,
    pauseMs: remaining === 0 && toWait !== null && toWait > 0 ? toWait : null,
    rateLimit: Number.isInteger(rateLimit) && rateLimit > 0 ? rateLimit : null,
    windowMs: windowMs !== null && windowMs > 0 ? windowMs : null,
    remaining: Number.isInteger(remaining) && remaining >= 0 ? remaining : null,
  };
}
