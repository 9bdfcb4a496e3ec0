import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { CancelledError } from '../errors/index.ts';
import { RateLimiter } from './rate-limiter.ts';

function maxStartsInWindow(starts: readonly number[], windowMs: number): number {
  let peak = 0;
  for (const start of starts) {
    peak = Math.max(peak, starts.filter((other) => other >= start && other < start + windowMs).length);
  }
  return peak;
}

describe('RateLimiter', () => {
  it('allows at most N starts per window and runs at the full allowed speed', async () => {
    const limiter = new RateLimiter({ requests: 4, perMs: 200 });
    const began = performance.now();
    const starts = await Promise.all(
      Array.from({ length: 10 }, async () => {
        await limiter.acquire();
        return performance.now();
      }),
    );
    const elapsed = performance.now() - began;
    expect(maxStartsInWindow(starts, 200)).toBeLessThanOrEqual(4);
    // 10 starts at 4 per 200 ms: the 9th and 10th may start at 400 ms at the earliest.
    expect(elapsed).toBeGreaterThanOrEqual(400);
    expect(elapsed).toBeLessThan(400 * 1.15);
  });

  it('reports its waits and lets an aborted caller leave the queue at once', async () => {
    const limiter = new RateLimiter({ requests: 1, perMs: 10_000 });
    expect(await limiter.acquire()).toBeLessThan(5);
    expect(limiter.nextDelayMs).toBeGreaterThan(9000);
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    setTimeout(() => controller.abort(), 10);
    await expect(waiting).rejects.toBeInstanceOf(CancelledError);
  });

  it('uses an injected clock to compute exact slot times', async () => {
    let clock = 1000;
    const limiter = new RateLimiter({ requests: 2, perMs: 50 }, { now: () => clock, marginMs: 0 });
    await limiter.acquire();
    await limiter.acquire();
    expect(limiter.nextDelayMs).toBe(50);
    clock += 30;
    expect(limiter.nextDelayMs).toBe(20);
    clock += 20;
    expect(limiter.nextDelayMs).toBe(0);
  });
});
