import { describe, expect, it } from 'vitest';
import { sparkline } from './sparkline.ts';

describe('sparkline', () => {
  it('draws ratios on an absolute 0..1 scale', () => {
    expect(sparkline([0, 0.13, 0.5, 0.99, 1])).toBe('▁▂▅██');
  });

  it('keeps only the last values and clamps nonsense', () => {
    expect(sparkline([0, 0, 1, 1], 2)).toBe('██');
    expect(sparkline([-1, 2, Number.NaN])).toBe('▁█▁');
    expect(sparkline([])).toBe('');
  });
});
