import { describe, expect, it } from 'vitest';
import { depthLimited, jsonDepthExceeds } from './json-depth.ts';

function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let index = 0; index < levels; index++) value = { a: [value] };
  return value;
}

describe('json depth guards', () => {
  it('issue 13: measure and cut a value nested 10,000 levels deep without overflowing the stack', () => {
    const deep = nested(10_000);
    expect(jsonDepthExceeds(deep, 64)).toBe(true);
    expect(() => JSON.stringify(depthLimited(deep, 8))).not.toThrow();
    expect(JSON.stringify(depthLimited(deep, 3))).toBe('{"a":[{"a":"[nested deeper than 3 levels]"}]}');
  });

  it('leaves ordinary records alone', () => {
    const record = { id: 1, tags: ['a', 'b'], evidence: { expected: [1, 2], actual: null } };
    expect(jsonDepthExceeds(record, 64)).toBe(false);
    expect(depthLimited(record, 64)).toEqual(record);
  });

  it('treats a cycle as too deep', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(jsonDepthExceeds(cyclic, 64)).toBe(true);
  });
});
