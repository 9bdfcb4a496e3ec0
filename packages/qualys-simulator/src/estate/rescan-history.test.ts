import { describe, expect, it } from 'vitest';
import { RescanHistory } from './rescan-history.ts';

describe('RescanHistory', () => {
  it('keeps each host its rescans and their flip shares in order, and counts generations', () => {
    const history = new RescanHistory();
    expect(history.rescansOf(4)).toBeUndefined();
    expect(history.addRescan(4, 1_000, 0.2)).toBe(1);
    expect(history.addRescan(4, 2_000, 0.1)).toBe(2);
    expect(history.rescansOf(4)).toEqual([1_000, 2_000]);
    expect(history.flipRatiosOf(4)).toEqual([0.2, 0.1]);
    expect(history.rescansOf(5)).toBeUndefined();
  });

  it('remembers the newest evaluation per policy', () => {
    const history = new RescanHistory();
    expect(history.policyEvaluatedMs(0)).toBeUndefined();
    history.setPolicyEvaluatedMs(0, 5_000);
    expect(history.policyEvaluatedMs(0)).toBe(5_000);
  });
});
