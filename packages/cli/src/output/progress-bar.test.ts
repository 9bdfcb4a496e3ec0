import { describe, expect, it } from 'vitest';
import { progressBar, progressPercent } from './progress-bar.ts';

describe('progressBar', () => {
  it('fills in proportion to done/total at a fixed width', () => {
    expect(progressBar(0, 10, 10)).toBe('[░░░░░░░░░░]');
    expect(progressBar(3, 10, 10)).toBe('[███░░░░░░░]');
    expect(progressBar(10, 10, 10)).toBe('[██████████]');
  });

  it('never overflows when done passes total, and treats an empty total as complete', () => {
    expect(progressBar(12, 10, 10)).toBe('[██████████]');
    expect(progressBar(0, 0, 4)).toBe('[░░░░]');
    expect(progressBar(1, 0, 4)).toBe('[████]');
  });
});

describe('progressPercent', () => {
  it('rounds down so 100% means done', () => {
    expect(progressPercent(4, 10)).toBe('40%');
    expect(progressPercent(996, 1000)).toBe('99%');
    expect(progressPercent(1000, 1000)).toBe('100%');
    expect(progressPercent(11, 10)).toBe('100%');
  });
});
