import { describe, expect, it } from 'vitest';
import { renderTable, singleLine } from './table.ts';

describe('renderTable', () => {
  it('keeps a multi-line title from the source on its own row', () => {
    const table = renderTable(
      [{ title: 'CIS Benchmark\nline two\twith a tab' }, { title: 'plain' }],
      [{ header: 'TITLE', value: (row) => row.title }],
    );
    expect(table.split('\n')).toHaveLength(4);
    expect(table).toContain('CIS Benchmark\\x0aline two\\x09with a tab');
    expect(singleLine('no breaks')).toBe('no breaks');
  });
});
