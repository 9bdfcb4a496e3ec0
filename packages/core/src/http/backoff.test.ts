import { describe, expect, it } from 'vitest';
import { backoffDelay, resolveRetryPolicy } from './backoff.ts';

describe('backoffDelay', () => {
  it('grows exponentially up to the cap, scaled by full jitter', () => {
    const policy = { baseDelayMs: 100, maxDelayMs: 1000 };
    const top = () => 0.999999;
    expect([1, 2, 3, 4, 5, 6].map((retry) => backoffDelay(retry, policy, top))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(200);
  });

  it('fills in the defaults', () => {
    expect(resolveRetryPolicy(undefined)).toEqual({ maxRetries: 5, baseDelayMs: 1000, maxDelayMs: 60_000 });
    expect(resolveRetryPolicy({ maxRetries: 0 }).maxRetries).toBe(0);
  });
});
