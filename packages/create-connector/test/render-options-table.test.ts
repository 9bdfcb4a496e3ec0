import type { ConfigOption } from '@posturesync/core/testing';
import { describe, expect, it } from 'vitest';
import { markdownTable, renderOptionsRows } from '../src/render-options-table.ts';

const option = (overrides: Partial<ConfigOption>): ConfigOption => ({
  path: 'baseUrl',
  type: 'string (URL)',
  defaultValue: null,
  required: true,
  secret: false,
  description: 'Gateway URL',
  ...overrides,
});

describe('markdownTable', () => {
  it('pads every column to its widest cell (at least 3), as Markdown formatters align tables', () => {
    expect(
      markdownTable([
        ['a', 'bb'],
        ['long cell', '—'],
      ]),
    ).toBe(['| a         | bb  |', '| --------- | --- |', '| long cell | —   |'].join('\n'));
  });
});

describe('renderOptionsRows', () => {
  it('renders key, type, default, required, secret (with its env) and description', () => {
    const table = renderOptionsRows(
      [
        option({}),
        option({ path: 'password', type: 'string', secret: true, description: 'Password' }),
        option({
          path: 'mode',
          type: "'v1' | 'v2'",
          defaultValue: '"v1"',
          required: false,
          description: null,
        }),
        option({
          path: 'http.timeout',
          type: 'integer',
          defaultValue: '180',
          required: false,
          description: 'a\nb',
        }),
      ],
      [{ key: 'password', env: 'X_PASSWORD', description: 'p' }],
    );
    const lines = table.split('\n').map((line) => line.split(/(?<!\\)\|/).map((cell) => cell.trim()));
    expect(lines[0]).toEqual(['', 'Option', 'Type', 'Default', 'Required', 'Secret', 'Description', '']);
    expect(lines[2]).toEqual(['', '`baseUrl`', '`string (URL)`', '—', 'yes', 'no', 'Gateway URL', '']);
    expect(lines[3]).toEqual([
      '',
      '`password`',
      '`string`',
      '—',
      'yes',
      'yes, from env `X_PASSWORD`',
      'Password',
      '',
    ]);
    // A pipe inside a cell is escaped so it does not split the column.
    expect(lines[4]).toEqual(['', '`mode`', "`'v1' \\| 'v2'`", '`"v1"`', 'no', 'no', '', '']);
    expect(lines[5]).toEqual(['', '`http.timeout`', '`integer`', '`180`', 'no', 'no', 'a b', '']);
  });
});
