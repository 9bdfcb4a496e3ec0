import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/index.ts';
import { chunk } from './chunk.ts';

describe('chunk', () => {
  it('splits into batches of the given size, keeping order', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk(['a'], 10)).toEqual([['a']]);
    expect(chunk([], 3)).toEqual([]);
  });

  it('rejects a size that is not a positive integer', () => {
    for (const size of [0, -1, 1.5, Number.NaN]) expect(() => chunk([1], size)).toThrow(ConfigError);
  });
});
