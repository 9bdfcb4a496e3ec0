import { describe, expect, it } from 'vitest';
import { JsonArraySplitter, JsonStreamError, parseJsonElement } from './posture-json-stream.ts';

function splitAll(text: string, chunkSizes: number[]): unknown[] {
  const splitter = new JsonArraySplitter();
  const out: unknown[] = [];
  let position = 0;
  let turn = 0;
  while (position < text.length) {
    const size = chunkSizes[turn % chunkSizes.length] ?? 1;
    turn++;
    for (const element of splitter.push(text.slice(position, position + size))) out.push(JSON.parse(element));
    position += size;
  }
  splitter.end();
  return out;
}

const tricky = [
  { id: 1, text: 'plain', nested: { a: [1, 2, { b: '}' }] } },
  { id: 2, text: 'quote \\" and brace { [ ] } inside', path: 'C:\\Windows\\System32\\' },
  { id: 3, text: 'ends with backslash \\', more: '\\\\"', empty: '' },
  { id: 4, text: 'unicode ü 日本 \u2028 emoji 😀', list: [] },
  { id: 5, text: 'newline\nand\ttab', obj: {} },
];

describe('JsonArraySplitter', () => {
  it('yields every element whatever the chunk boundaries', () => {
    const text = ` \n[ ${tricky.map((value) => JSON.stringify(value, null, 1)).join(' ,\n')} ]\n `;
    for (const sizes of [[1], [2], [3], [7], [64], [text.length], [1, 5, 2, 13]]) {
      expect(splitAll(text, sizes)).toEqual(tricky);
    }
  });

  it('splits long runs of backslashes across chunks correctly', () => {
    const values = [{ s: '\\\\\\\\\\\\\\"' }, { s: '"' }, { s: '\\' }];
    const text = JSON.stringify(values);
    for (let size = 1; size < 12; size++) expect(splitAll(text, [size])).toEqual(values);
  });

  it('accepts an empty array and an empty body', () => {
    expect(splitAll('[]', [1])).toEqual([]);
    expect(splitAll(' [ \n ] ', [3])).toEqual([]);
    expect(splitAll('', [1])).toEqual([]);
  });

  it('reports truncation with the record count', () => {
    const splitter = new JsonArraySplitter();
    splitter.push('[{"a":1},{"a":');
    const error = (() => {
      try {
        splitter.end();
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(JsonStreamError);
    expect((error as JsonStreamError).kind).toBe('truncated');
    expect((error as JsonStreamError).elements).toBe(1);
  });

  it('issue 6: refuses to buffer a record larger than the bound, whatever the chunking', () => {
    const splitter = new JsonArraySplitter({ maxElementChars: 100 });
    expect(splitter.push('[{"a":1},')).toEqual(['{"a":1}']);
    splitter.push(`{"big":"${'x'.repeat(60)}`);
    expect(() => splitter.push('x'.repeat(60))).toThrow(/a single record is larger than 100 characters/);
    const whole = new JsonArraySplitter({ maxElementChars: 100 });
    expect(whole.push(`[{"ok":"${'y'.repeat(80)}"}]`)).toHaveLength(1);
  });

  it('rejects malformed framing with the character offset', () => {
    const splitter = new JsonArraySplitter();
    expect(() => splitter.push('[{"a":1} {"a":2}]')).toThrow(/expected "," or "]"/);
    expect(() => new JsonArraySplitter().push('{"a":1}')).toThrow(/expected "\["/);
    expect(() => new JsonArraySplitter().push('[1,2]')).toThrow(/expected a JSON object/);
    expect(() => new JsonArraySplitter().push('[] x')).toThrow(/after the end of the array/);
    try {
      new JsonArraySplitter().push('[{"a":1},,');
    } catch (error) {
      expect((error as JsonStreamError).offset).toBe(9);
      expect((error as JsonStreamError).kind).toBe('malformed');
    }
  });
});

describe('parseJsonElement', () => {
  it('keeps integers beyond 2^53 exact as strings and leaves the rest alone', () => {
    const parsed = parseJsonElement(
      '{"id":90071992547409931,"small":23006235045,"neg":-90071992547409931,"f":1.5,"s":"12345678901234567890"}',
    );
    expect(parsed).toEqual({
      id: '90071992547409931',
      small: 23006235045,
      neg: '-90071992547409931',
      f: 1.5,
      s: '12345678901234567890',
    });
  });
});
