import { describe, expect, it } from 'vitest';
import { jsonErrorPosition } from './json-error-position.ts';

describe('jsonErrorPosition', () => {
  it('issue 13: finds the position V8 does not name, without quoting the text', () => {
    expect(jsonErrorPosition('{"a": tru}')).toEqual({ offset: 9, reason: 'expected "true", found "}"' });
    expect(jsonErrorPosition('[1,]')).toEqual({ offset: 3, reason: 'expected a value, found "]"' });
    expect(jsonErrorPosition('{"a":')).toEqual({
      offset: 5,
      reason: 'expected a value, found the end of the file',
    });
    expect(jsonErrorPosition('{"a": "b"\n"c": 1}')?.offset).toBe(10);
  });

  it('accepts valid JSON', () => {
    expect(jsonErrorPosition('\uFEFF{"a": [1, -2.5e3, true, null, "x\\u00e9\\n"]}')).toBeNull();
  });
});
