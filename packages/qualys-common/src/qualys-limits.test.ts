import { describe, expect, it } from 'vitest';
import { limitHintsFromHeaders, qualysRequestedWaitMs } from './qualys-limits.ts';
import { parseSimpleReturn } from './simple-return.ts';

describe('Qualys limit hints', () => {
  it('takes the longer of X-RateLimit-ToWait-Sec and SECONDS_TO_WAIT (Retry-After is read by the client)', () => {
    const body = parseSimpleReturn(
      '<SIMPLE_RETURN><RESPONSE><CODE>1965</CODE><ITEM_LIST><ITEM><KEY>SECONDS_TO_WAIT</KEY><VALUE>12</VALUE></ITEM></ITEM_LIST></RESPONSE></SIMPLE_RETURN>',
    );
    expect(qualysRequestedWaitMs({ 'retry-after': '30', 'x-ratelimit-towait-sec': '5' }, body)).toBe(12_000);
    expect(qualysRequestedWaitMs({ 'x-ratelimit-towait-sec': '5' }, null)).toBe(5000);
    expect(qualysRequestedWaitMs({ 'retry-after': '30' }, null)).toBeNull();
  });

  it('derives proactive limits from a successful response', () => {
    expect(
      limitHintsFromHeaders({
        'x-concurrency-limit-limit': '1',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-towait-sec': '4',
      }),
    ).toEqual({ concurrencyLimit: 1, pauseMs: 4000, rateLimit: null, windowMs: null, remaining: 0 });
    expect(limitHintsFromHeaders({ 'x-ratelimit-remaining': '10', 'x-ratelimit-towait-sec': '0' })).toEqual({
      concurrencyLimit: null,
      pauseMs: null,
      rateLimit: null,
      windowMs: null,
      remaining: 10,
    });
  });

  it('issue 12: reads the stated rate limit and window (X-RateLimit-Limit, X-RateLimit-Window-Sec)', () => {
    expect(
      limitHintsFromHeaders({
        'x-ratelimit-limit': '300',
        'x-ratelimit-window-sec': '3600',
        'x-ratelimit-remaining': '299',
      }),
    ).toMatchObject({ rateLimit: 300, windowMs: 3_600_000, remaining: 299 });
    expect(
      limitHintsFromHeaders({ 'x-ratelimit-limit': 'lots', 'x-ratelimit-window-sec': '-1' }),
    ).toMatchObject({
      rateLimit: null,
      windowMs: null,
      remaining: null,
    });
  });
});
