import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { CancelledError } from '../errors/index.ts';
import { defaultRateMarginMs, RateLimiter } from './rate-limiter.ts';

function maxStartsInWindow(starts: readonly number[], windowMs: number): number {
  let peak = 0;
  for (const start of starts) {
    peak = Math.max(peak, starts.filter((other) => other >= start && other < start + windowMs).length);
  }
  return peak;
}

describe('RateLimiter', () => {
  it('allows at most N starts per window and schedules each start precisely when a slot frees', async () => {
    const limiter = new RateLimiter({ requests: 4, perMs: 200, marginMs: 2 });
    const starts = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const ticket = await limiter.acquire();
        ticket.sent();
        return performance.now();
      }),
    );
    starts.sort((a, b) => a - b);
    expect(maxStartsInWindow(starts, 200)).toBeLessThanOrEqual(4);
    for (let index = 4; index < starts.length; index++) {
      const gap = (starts[index] ?? 0) - (starts[index - 4] ?? 0);
      // Never early; late only by timer slack, so a long run proceeds at the limit's full speed.
      expect(gap).toBeGreaterThanOrEqual(200);
      expect(gap).toBeLessThan(200 + 2 + 60);
    }
  });

  it('reports its waits and lets an aborted caller leave the queue at once', async () => {
    const limiter = new RateLimiter({ requests: 1, perMs: 10_000 });
    (await limiter.acquire()).sent();
    expect(limiter.nextDelayMs).toBeGreaterThan(9000);
    const controller = new AbortController();
    const waiting = limiter.acquire({ signal: controller.signal });
    setTimeout(() => controller.abort(), 10);
    await expect(waiting).rejects.toBeInstanceOf(CancelledError);
  });

  it('counts a start from when it was sent, and frees the slot of a call that never left', async () => {
    let clock = 0;
    const limiter = new RateLimiter({ requests: 2, perMs: 100 }, { now: () => clock, marginMs: 0 });
    const slow = await limiter.acquire();
    const refused = await limiter.acquire();
    // Both still connecting: they count as starting now.
    clock = 40;
    expect(limiter.nextDelayMs).toBe(100);
    refused.cancel();
    expect(limiter.nextDelayMs).toBe(0);
    (await limiter.acquire()).sent();
    clock = 70;
    slow.sent();
    // The slow handshake moved its start from 0 to 70: the two latest starts are 70 and 40, so the
    // next slot opens at 140 (it would wrongly open at 100 if the start counted from 0).
    expect(limiter.nextDelayMs).toBe(70);
  });

  it('keeps a jitter margin that is small against long windows', () => {
    expect(defaultRateMarginMs(60_000)).toBe(250);
    expect(defaultRateMarginMs(10_000)).toBe(100);
    expect(defaultRateMarginMs(500)).toBe(50);
    expect(defaultRateMarginMs(100)).toBe(10);
  });

  it('uses an injected clock to compute exact slot times', async () => {
    let clock = 1000;
    const limiter = new RateLimiter({ requests: 2, perMs: 50 }, { now: () => clock, marginMs: 0 });
    (await limiter.acquire()).sent();
    (await limiter.acquire()).sent();
    expect(limiter.nextDelayMs).toBe(50);
    clock += 30;
    expect(limiter.nextDelayMs).toBe(20);
    clock += 20;
    expect(limiter.nextDelayMs).toBe(0);
  });
});
