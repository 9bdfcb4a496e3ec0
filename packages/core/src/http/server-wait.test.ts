import { describe, expect, it } from 'vitest';
import { limitHintsFromHeaders, parseRetryAfter, serverRequestedWaitMs } from './server-wait.ts';
import { parseSimpleReturn } from './simple-return.ts';

const now = Date.parse('2024-05-01T12:00:00Z');

describe('server wait hints', () => {
  it('parses Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter(' 1.5 ', now)).toBe(1500);
    expect(parseRetryAfter('Wed, 01 May 2024 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 01 May 2024 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });

  it('takes the longest of Retry-After, X-RateLimit-ToWait-Sec and SECONDS_TO_WAIT', () => {
    const body = parseSimpleReturn(
      '<SIMPLE_RETURN><RESPONSE><CODE>1965</CODE><ITEM_LIST><ITEM><KEY>SECONDS_TO_WAIT</KEY><VALUE>12</VALUE></ITEM></ITEM_LIST></RESPONSE></SIMPLE_RETURN>',
    );
    expect(serverRequestedWaitMs({ 'retry-after': '3', 'x-ratelimit-towait-sec': '5' }, body, now)).toBe(
      12_000,
    );
    expect(serverRequestedWaitMs({ 'x-ratelimit-towait-sec': '5' }, null, now)).toBe(5000);
    expect(serverRequestedWaitMs({}, null, now)).toBeNull();
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
