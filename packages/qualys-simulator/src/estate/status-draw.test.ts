import { describe, expect, it } from 'vitest';
import { drawOther, drawStatus, statusWeights } from './status-draw.ts';

describe('status draws', () => {
  const weights = statusWeights({ passed: 7, failed: 2, error: 1 });

  it('normalises the ratios to shares in Passed, Failed, Error order', () => {
    expect(weights).toEqual([0.7, 0.2, 0.1]);
  });

  it('maps a uniform draw onto the shares', () => {
    expect(drawStatus(weights, 0)).toBe('Passed');
    expect(drawStatus(weights, 0.69)).toBe('Passed');
    expect(drawStatus(weights, 0.7)).toBe('Failed');
    expect(drawStatus(weights, 0.89)).toBe('Failed');
    expect(drawStatus(weights, 0.9)).toBe('Error');
  });

  it('draws another status weighted like the rest, or keeps the status when no other has weight', () => {
    // Passed -> Failed (0.2) or Error (0.1): the first two thirds of the draw go to Failed.
    expect(drawOther(weights, 'Passed', 0.6)).toBe('Failed');
    expect(drawOther(weights, 'Passed', 0.7)).toBe('Error');
    expect(drawOther(statusWeights({ passed: 1, failed: 0, error: 0 }), 'Passed', 0.5)).toBe('Passed');
  });
});
