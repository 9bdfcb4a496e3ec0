import { describe, expect, it } from 'vitest';
import { floorRatio, memoryRatio, rateLimitMinimumMs, recordsPerSecond } from './ratios.ts';

describe('floor and memory ratios', () => {
  it('the floor ratio is floor time over end-to-end time for the same records', () => {
    expect(floorRatio(5_000, 10_000)).toBe(0.5);
    expect(floorRatio(12_000, 10_000)).toBe(1.2);
    expect(floorRatio(1_000, 0)).toBe(0);
  });

  it('records per second and memory ratio', () => {
    expect(recordsPerSecond(1_000_000, 20_000)).toBe(50_000);
    expect(recordsPerSecond(10, 0)).toBe(0);
    expect(memoryRatio(260, 200)).toBe(1.3);
    expect(memoryRatio(1, 0)).toBe(0);
  });
});

describe('rate-limit minimum', () => {
  it('100 calls at 25 per 6 s: the last call starts after 3 windows, then its window share of the work', () => {
    // 4 windows; the last holds 25 of 100 calls, so a quarter of the 8 s unthrottled work follows.
    expect(rateLimitMinimumMs({ requests: 100, limit: 25, windowMs: 6000, unthrottledMs: 8000 })).toBe(
      18_000 + 2000,
    );
  });

  it('one more call costs a whole window', () => {
    expect(rateLimitMinimumMs({ requests: 101, limit: 25, windowMs: 6000, unthrottledMs: 1010 })).toBe(
      24_000 + 10,
    );
  });

  it('is never below the unthrottled run (a data-bound sync is not slowed by the limit)', () => {
    expect(rateLimitMinimumMs({ requests: 30, limit: 25, windowMs: 1000, unthrottledMs: 60_000 })).toBe(
      60_000,
    );
    expect(rateLimitMinimumMs({ requests: 0, limit: 25, windowMs: 1000, unthrottledMs: 5 })).toBe(5);
  });
});
