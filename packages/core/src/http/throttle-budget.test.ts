import { describe, expect, it } from 'vitest';
import { defaultMaxThrottleWaitMs, ThrottleBudget } from './throttle-budget.ts';

describe('ThrottleBudget', () => {
  it('defaults to 30 minutes', () => {
    expect(new ThrottleBudget().maxWaitMs).toBe(30 * 60_000);
    expect(defaultMaxThrottleWaitMs).toBe(1_800_000);
  });

  it('counts every throttle answer but only the wait each one added', () => {
    const budget = new ThrottleBudget(10_000);
    budget.record(4000);
    budget.record(0); // a second caller refused inside the same pause adds no time
    expect(budget.waits).toBe(2);
    expect(budget.waitedMs).toBe(4000);
    expect(budget.remainingMs).toBe(6000);
    expect(budget.allows(6000)).toBe(true);
    expect(budget.allows(6001)).toBe(false);
  });
});
