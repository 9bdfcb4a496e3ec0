import { describe, expect, it } from 'vitest';
import { AdaptiveRate, slowerLimit } from './adaptive-rate.ts';
import { RateLimiter } from './rate-limiter.ts';

function setup(configured: { requests: number; perMs: number } | null) {
  let clock = 1_000_000;
  const limiter = new RateLimiter(configured, { now: () => clock, marginMs: 0 });
  const adaptive = new AdaptiveRate(limiter, configured, () => clock);
  return {
    limiter,
    adaptive,
    advance: (ms: number) => {
      clock += ms;
    },
    async starts(count: number) {
      for (let index = 0; index < count; index++) (await limiter.acquire()).sent();
    },
  };
}

describe('AdaptiveRate', () => {
  it('issue 12: a 429 lowers the rate to what the server accepted in the window', async () => {
    const rig = setup({ requests: 25, perMs: 60_000 });
    await rig.starts(6);
    const refused = await rig.limiter.acquire();
    refused.sent();
    refused.refused();
    expect(rig.adaptive.throttled()).toBe(60_000);
    expect(rig.limiter.limit).toEqual({ requests: 6, perMs: 60_000 });
  });

  it('issue 12: only a limit lowered by refusals is worth keeping for the next process', async () => {
    const rig = setup({ requests: 25, perMs: 60_000 });
    expect(rig.adaptive.lowered).toBeNull();
    await rig.starts(6);
    rig.adaptive.throttled();
    expect(rig.adaptive.lowered).toEqual({ requests: 6, perMs: 60_000 });
  });

  it('issue 12: a refusal while within our own limit still lowers it (someone else spends the budget)', async () => {
    const rig = setup({ requests: 4, perMs: 1000 });
    await rig.starts(4);
    rig.adaptive.throttled();
    expect(rig.limiter.limit?.requests).toBe(3);
  });

  it('issue 12: raises the rate one step per quiet window, never above the configured limit', async () => {
    const rig = setup({ requests: 20, perMs: 1000 });
    rig.limiter.setLimit({ requests: 5, perMs: 1000 });
    rig.adaptive.throttled();
    rig.adaptive.succeeded();
    expect(rig.limiter.limit?.requests).toBe(1); // no accepted starts: lowered to the minimum
    rig.advance(999);
    rig.adaptive.succeeded();
    expect(rig.limiter.limit?.requests).toBe(1);
    for (const expected of [3, 5, 7, 9, 11, 13, 15, 17, 19, 20, 20]) {
      rig.advance(1000);
      rig.adaptive.succeeded();
      expect(rig.limiter.limit?.requests).toBe(expected);
    }
  });

  it('issue 12: X-RateLimit-Limit and -Window-Sec set the limit directly; the configured one stays a cap', async () => {
    const rig = setup({ requests: 25, perMs: 60_000 });
    rig.adaptive.announced(6, 8000);
    expect(rig.limiter.limit).toEqual({ requests: 6, perMs: 8000 });
    expect(rig.adaptive.ceiling).toEqual({ requests: 6, perMs: 8000 });
    expect(rig.limiter.cap).toEqual({ requests: 25, perMs: 60_000 });
    const capped = setup({ requests: 2, perMs: 60_000 });
    capped.adaptive.announced(300, 3_600_000);
    expect(capped.limiter.limit).toEqual({ requests: 300, perMs: 3_600_000 });
    await capped.starts(2);
    // The server would allow 298 more, but the user configured 2 per minute.
    expect(capped.limiter.nextDelayMs).toBe(60_000);
  });

  it('issue 12: with pacing off, an announced limit is adopted and a refusal without any window is left to back-off', () => {
    const rig = setup(null);
    expect(rig.adaptive.throttled()).toBeNull();
    expect(rig.limiter.limit).toBeNull();
    rig.adaptive.announced(10, 5000);
    expect(rig.limiter.limit).toEqual({ requests: 10, perMs: 5000 });
  });

  it('compares limits by rate, and by burst when the rates are equal', () => {
    expect(slowerLimit({ requests: 6, perMs: 8000 }, { requests: 25, perMs: 60_000 })).toEqual({
      requests: 25,
      perMs: 60_000,
    });
    expect(slowerLimit({ requests: 10, perMs: 1000 }, { requests: 1, perMs: 100 })).toEqual({
      requests: 1,
      perMs: 100,
    });
    expect(slowerLimit(null, null)).toBeNull();
  });
});
