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

  it('issue 12: a refused request (priority) goes first when a pause ends, ahead of callers queued earlier', async () => {
    const limiter = new RateLimiter(null);
    limiter.pauseUntil(performance.timeOrigin + performance.now() + 60);
    const order: string[] = [];
    const ordinary = limiter.acquire().then(() => order.push('ordinary'));
    const later = limiter.acquire().then(() => order.push('later'));
    const refused = limiter.acquire({ priority: true }).then(() => order.push('refused'));
    await Promise.all([ordinary, later, refused]);
    expect(order).toEqual(['refused', 'ordinary', 'later']);
  });

  it('issue 12: a pause holds every caller back and reports only the time it adds', async () => {
    let clock = 0;
    const limiter = new RateLimiter(null, { now: () => clock });
    expect(limiter.pauseUntil(1000)).toBe(1000);
    expect(limiter.pauseUntil(400)).toBe(0);
    expect(limiter.pauseUntil(1500)).toBe(500);
    expect(limiter.pausedUntil).toBe(1500);
    clock = 1500;
    expect(limiter.pausedUntil).toBeNull();
  });

  it('issue 12: the limit can be lowered while callers wait, and starts made elsewhere occupy the window', async () => {
    let clock = 10_000;
    const limiter = new RateLimiter({ requests: 3, perMs: 1000 }, { now: () => clock, marginMs: 0 });
    limiter.recordStarts([9500, 9600]);
    expect(limiter.nextDelayMs).toBe(0);
    (await limiter.acquire()).sent();
    expect(limiter.nextDelayMs).toBe(500);
    limiter.setLimit({ requests: 1, perMs: 1000 });
    expect(limiter.nextDelayMs).toBe(1000);
    expect(limiter.recentStarts()).toEqual([9500, 9600, 10_000]);
    clock = 10_200;
    // The server says 0 calls remain although we made only 1 in its window: others made the rest.
    limiter.setLimit({ requests: 5, perMs: 1000 });
    limiter.alignRemaining(0);
    expect(limiter.recentStarts(1000)).toHaveLength(5);
  });
});
