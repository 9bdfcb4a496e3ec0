import type { ResponseClassifier, ResponseReading } from '@posturesync/core';
import {
  limitHintsFromHeaders,
  qualysConcurrencyLimitCode,
  qualysRateLimitCode,
  qualysRequestedWaitMs,
} from './qualys-limits.ts';
import { parseSimpleReturn } from './simple-return.ts';

/**
 * How Qualys answers beyond plain HTTP, for the core HTTP client's `responseClassifier` hook:
 * a SIMPLE_RETURN error envelope (its code and text go into the error), HTTP 409 with code 1965
 * (rate limit) or 1960 (concurrency limit) as "wait and try again", any other 409 code as a
 * permanent account restriction, and the `X-RateLimit-*` / `X-Concurrency-Limit-Limit` headers.
 * Both connectors pass it.
 */
export const qualysResponseClassifier: ResponseClassifier = {
  classify({ status, headers, body }): ResponseReading {
    const simpleReturn = parseSimpleReturn(body);
    const code = simpleReturn?.code ?? null;
    const reading: ResponseReading = {
      verdict: null,
      waitMs: qualysRequestedWaitMs(headers, simpleReturn),
      details: {
        ...(code ? { qualysCode: code } : {}),
        ...(simpleReturn?.text ? { qualysText: simpleReturn.text } : {}),
      },
      summary: code ? `Qualys code ${code}: ${simpleReturn?.text ?? ''}.` : null,
    };
    if (status !== 409 || code === null) return reading;
    if (code === qualysRateLimitCode) return { ...reading, verdict: { kind: 'limit', limit: 'rate' } };
    if (code === qualysConcurrencyLimitCode)
      return { ...reading, verdict: { kind: 'limit', limit: 'concurrency' } };
    return {
      ...reading,
      verdict: {
        kind: 'refused',
        message: `Qualys refused the call (HTTP 409, code ${code}): ${simpleReturn?.text ?? 'no text'}. This is an account restriction, not a temporary limit; ask your Qualys administrator.`,
      },
    };
  },
  limitHints: limitHintsFromHeaders,
};
