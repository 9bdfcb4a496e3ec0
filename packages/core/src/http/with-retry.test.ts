import { describe, expect, it } from 'vitest';
import { BadResponseError, CancelledError, RateLimitedError, TransientError } from '../errors/index.ts';
import { withRetry } from './with-retry.ts';

function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

describe('withRetry', () => {
  it('retries retryable PostureSyncErrors with back-off and reports each retry', async () => {
    const { waits, sleep } = recordingSleep();
    const seen: number[] = [];
    const result = await withRetry(
      async (attempt) => {
        seen.push(attempt);
        if (attempt < 3) throw new TransientError('truncated gzip stream');
        return 'ok';
      },
      {
        sleep,
        random: () => 0.5,
        policy: { baseDelayMs: 100 },
        onRetry: (_error, attempt) => seen.push(-attempt),
      },
    );
    expect(result).toBe('ok');
    expect(seen).toEqual([1, -1, 2, -2, 3]);
    expect(waits).toEqual([50, 100]);
  });

  it('does not retry non-retryable errors and stops when the budget is spent', async () => {
    const { sleep } = recordingSleep();
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new BadResponseError('bad');
        },
        { sleep },
      ),
    ).rejects.toBeInstanceOf(BadResponseError);
    expect(calls).toBe(1);
    calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new TransientError('down');
        },
        { sleep, policy: { maxRetries: 2 } },
      ),
    ).rejects.toBeInstanceOf(TransientError);
    expect(calls).toBe(3);
  });

  it('honours a RateLimitedError wait, and rethrows when it is longer than allowed', async () => {
    const { waits, sleep } = recordingSleep();
    let calls = 0;
    await withRetry(
      async () => {
        if (calls++ === 0) throw new RateLimitedError('slow down', { retryAfterMs: 5000 });
      },
      { sleep, random: () => 0 },
    );
    expect(waits).toEqual([5000]);
    await expect(
      withRetry(
        async () => {
          throw new RateLimitedError('come back tomorrow', { retryAfterMs: 86_400_000 });
        },
        { sleep },
      ),
    ).rejects.toThrow('come back tomorrow');
  });

  it('stops with CancelledError when aborted between attempts', async () => {
    const controller = new AbortController();
    await expect(
      withRetry(
        async () => {
          controller.abort();
          throw new TransientError('down');
        },
        { signal: controller.signal, sleep: async () => {} },
      ),
    ).rejects.toBeInstanceOf(CancelledError);
  });
});
