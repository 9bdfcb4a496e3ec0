import { describe, expect, it } from 'vitest';
import { jsonLine } from './json-line.ts';

describe('jsonLine', () => {
  it('writes one JSON document per line', () => {
    expect(jsonLine({ a: 1, b: 'x', c: null })).toBe('{"a":1,"b":"x","c":null}\n');
  });

  it('escapes control, C1 and bidi characters yet parses back to the exact data', () => {
    const value = { name: 'evil\x1b[2J\u009b\u202ehost\u2066\x7f\n' };
    const line = jsonLine(value);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence
    expect(line.slice(0, -1)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(JSON.parse(line)).toEqual(value);
  });
});
