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
