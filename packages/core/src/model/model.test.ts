import { describe, expect, it } from 'vitest';
import { toIsoUtc } from './dates.ts';
import { isPrivateIpAddress, splitIpAddresses } from './ip-address.ts';
import { hostSchema } from './records.ts';
import { severityFromCriticality } from './severity.ts';
import { normalizeStatus, statusCategoryOf } from './status.ts';

describe('severityFromCriticality', () => {
  it('maps by number, not label', () => {
    expect([5, 4, 3, 2, 1, 0].map(severityFromCriticality)).toEqual([
      'critical',
      'high',
      'medium',
      'low',
      'info',
      'undefined',
    ]);
    expect(severityFromCriticality('3')).toBe('medium');
    expect(severityFromCriticality(null)).toBe('undefined');
    expect(severityFromCriticality(undefined)).toBe('undefined');
    expect(severityFromCriticality(9)).toBe('undefined');
  });
});

describe('status', () => {
  it('normalizes title-case source statuses (Passed, Failed, Error) and keeps Error apart from Failed', () => {
    expect(normalizeStatus('Passed')).toBe('passed');
    expect(normalizeStatus('Failed')).toBe('failed');
    expect(normalizeStatus('Error')).toBe('error');
    expect(normalizeStatus('Exceptions')).toBe('unknown');
    expect(statusCategoryOf('passed')).toBe('closed');
    expect(statusCategoryOf('failed')).toBe('open');
    expect(statusCategoryOf('error')).toBe('open');
  });
});

describe('toIsoUtc', () => {
  it('turns empty strings into null and keeps UTC', () => {
    expect(toIsoUtc('')).toBeNull();
    expect(toIsoUtc(null)).toBeNull();
    expect(toIsoUtc('2023-09-15T09:16:33Z')).toBe('2023-09-15T09:16:33.000Z');
    expect(toIsoUtc('2023-09-15 09:16:33')).toBe('2023-09-15T09:16:33.000Z');
  });
  it('leaves vendor date formats to the vendor package (a report CSV date is not ISO)', () => {
    expect(toIsoUtc('06/25/2026 at 11:37:18 (GMT+0700)')).toBeUndefined();
  });
  it('returns undefined for unparsable values so callers can quarantine', () => {
    expect(toIsoUtc('yesterday')).toBeUndefined();
    expect(toIsoUtc('2023-13-45T99:00:00Z')).toBeUndefined();
  });
});

describe('ip addresses', () => {
  it('splits public and private', () => {
    expect(isPrivateIpAddress('10.1.2.3')).toBe(true);
    expect(isPrivateIpAddress('172.20.0.1')).toBe(true);
    expect(isPrivateIpAddress('172.32.0.1')).toBe(false);
    expect(isPrivateIpAddress('8.8.8.8')).toBe(false);
    expect(splitIpAddresses(['192.168.0.14, 8.8.4.4', 'not-an-ip', null])).toEqual({
      all: ['192.168.0.14', '8.8.4.4'],
      public: ['8.8.4.4'],
      private: ['192.168.0.14'],
    });
  });
});

describe('hostSchema', () => {
  it('rejects a host without uid with a readable path', () => {
    const result = hostSchema.safeParse({ uid: '' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.some((issue) => issue.path[0] === 'uid')).toBe(true);
  });
});
