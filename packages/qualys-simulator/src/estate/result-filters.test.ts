import { describe, expect, it } from 'vitest';
import { passesHostFilter, passesResultFilter } from './result-filters.ts';
import type { SimHost, SimResult } from './types.ts';

const host = { complianceLastScanDate: '2024-04-20T10:00:00Z' } as SimHost;
const result = {
  lastEvaluatedDate: '2024-04-20T10:30:00Z',
  postureModifiedDate: '2024-04-13T10:30:00Z',
} as SimResult;

describe('result filters', () => {
  it('bounds hosts by their last scan date (inclusive)', () => {
    expect(passesHostFilter(host, undefined)).toBe(true);
    expect(passesHostFilter(host, { lastScanDate: new Date('2024-04-20T10:00:00Z') })).toBe(true);
    expect(passesHostFilter(host, { lastScanDateFrom: new Date('2024-04-21T00:00:00Z') })).toBe(false);
    expect(passesHostFilter(host, { lastScanDateTo: new Date('2024-04-19T00:00:00Z') })).toBe(false);
  });

  it('bounds results by evaluation and status-change dates', () => {
    expect(passesResultFilter(result, {})).toBe(true);
    expect(passesResultFilter(result, { lastEvaluationDate: new Date('2024-04-21T00:00:00Z') })).toBe(false);
    expect(passesResultFilter(result, { statusChangedSince: new Date('2024-04-13T10:30:00Z') })).toBe(true);
    expect(passesResultFilter(result, { statusChangedSince: new Date('2024-04-14T00:00:00Z') })).toBe(false);
  });
});
