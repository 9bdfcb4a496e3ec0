import type { LimitHints } from '@posturesync/core';
import type { SimpleReturn } from './simple-return.ts';

/** Qualys classic API codes that mean "blocked by a limit, try again later" (HTTP 409). */
export const qualysConcurrencyLimitCode = '1960';
export const qualysRateLimitCode = '1965';

function parseSeconds(value: string | undefined): number | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return null;
  return Math.round(Number(trimmed) * 1000);
}

/**
 * The longest wait Qualys asked for beyond `Retry-After`, in milliseconds: `X-RateLimit-ToWait-Sec`
 * and (code 1965) the `SECONDS_TO_WAIT` item. Null when it gave no hint. Headers are lower-cased.
 */
export function qualysRequestedWaitMs(
  headers: Readonly<Record<string, string>>,
  simpleReturn: SimpleReturn | null,
): number | null {
  const hints = [
    parseSeconds(headers['x-ratelimit-towait-sec']),
    parseSeconds(simpleReturn?.items.SECONDS_TO_WAIT),
  ].filter((hint): hint is number => hint !== null);
  return hints.length === 0 ? null : Math.max(...hints);
}

/**
 * What Qualys' limit headers say: `X-Concurrency-Limit-Limit`, `X-RateLimit-Limit`,
 * `X-RateLimit-Window-Sec`, `X-RateLimit-Remaining` and, when none remain, `X-RateLimit-ToWait-Sec`.
 */
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
