import type { RetryPolicy } from './types.ts';

export const defaultRetryPolicy: Readonly<RetryPolicy> = Object.freeze({
  maxRetries: 5,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
});

export function resolveRetryPolicy(policy: Partial<RetryPolicy> | undefined): RetryPolicy {
  return {
    maxRetries: policy?.maxRetries ?? defaultRetryPolicy.maxRetries,
    baseDelayMs: policy?.baseDelayMs ?? defaultRetryPolicy.baseDelayMs,
    maxDelayMs: policy?.maxDelayMs ?? defaultRetryPolicy.maxDelayMs,
  };
}

/**
 * Exponential back-off with full jitter: a uniform delay in [0, min(maxDelay, base * 2^(retry-1))).
 * Full jitter spreads concurrent retriers apart, which matters because Qualys limits are shared by
 * every caller of a subscription. `retry` counts from 1 (the first retry).
 */
export function backoffDelay(
  retry: number,
  policy: Partial<RetryPolicy>,
  random: () => number = Math.random,
) {
  const resolved = resolveRetryPolicy(policy);
  const exponent = Math.max(0, Math.min(retry - 1, 30));
  const ceiling = Math.min(resolved.maxDelayMs, resolved.baseDelayMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}

/**
 * Wait after a throttle answer that named no time and no known window: doubles from the base
 * delay, without jitter (every caller pauses together and the refused one goes first, so there
 * is no herd to spread), capped at the back-off maximum.
 */
export function throttleBackoff(consecutive: number, policy: RetryPolicy): number {
  const exponent = Math.min(30, Math.max(0, consecutive - 1));
  // Never 0: throttle waits do not count as retries, so a zero wait could spin against the server.
  return Math.max(100, Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent));
}
