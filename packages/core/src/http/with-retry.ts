import { isPostureSyncError, RateLimitedError } from '../errors/index.ts';
import { backoffDelay, resolveRetryPolicy } from './backoff.ts';
import { cancelledFrom, defaultSleep, type Sleep, throwIfAborted } from './sleep.ts';
import type { RetryPolicy } from './types.ts';

export interface WithRetryOptions {
  policy?: Partial<RetryPolicy>;
  signal?: AbortSignal;
  /** Default: the error is a PostureSyncError whose `retryable` is true. */
  isRetryable?: (error: unknown) => boolean;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  sleep?: Sleep;
  random?: () => number;
  /**
   * A RateLimitedError asking to wait longer than this is rethrown at once instead of sleeping
   * (default 15 minutes); shorter server-mandated waits are always honoured in full.
   */
  maxServerWaitMs?: number;
}

export const defaultIsRetryable = (error: unknown): boolean => isPostureSyncError(error) && error.retryable;

/**
 * Retries a whole operation, e.g. a request plus the consumption of its body, which the HTTP
 * client cannot retry on its own once it has handed the body stream to the caller (a gzip stream
 * truncated mid-body). `attempt` counts from 1.
 */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  options: WithRetryOptions = {},
): Promise<T> {
  const policy = resolveRetryPolicy(options.policy);
  const isRetryable = options.isRetryable ?? defaultIsRetryable;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const maxServerWaitMs = options.maxServerWaitMs ?? 15 * 60_000;
  for (let attempt = 1; ; attempt++) {
    throwIfAborted(options.signal);
    try {
      return await operation(attempt);
    } catch (error) {
      if (options.signal?.aborted) throw cancelledFrom(options.signal);
      if (attempt > policy.maxRetries || !isRetryable(error)) throw error;
      let delayMs = backoffDelay(attempt, policy, random);
      if (error instanceof RateLimitedError && error.retryAfterMs !== undefined) {
        if (error.retryAfterMs > maxServerWaitMs) throw error;
        delayMs = Math.max(delayMs, error.retryAfterMs);
      }
      options.onRetry?.(error, attempt, delayMs);
      await sleep(delayMs, options.signal);
    }
  }
}
