import { visibleLength } from './color.ts';

export interface Column<Row> {
  header: string;
  value: (row: Row) => string;
  align?: 'left' | 'right';
}

/** A plain aligned text table; an empty list renders as the `empty` sentence. */
export function renderTable<Row>(
  rows: readonly Row[],
  columns: readonly Column<Row>[],
  empty = '(none)',
): string {
  if (rows.length === 0) return `  ${empty}`;
  // A line break or tab inside a cell (a multi-line title from the source) would break the rows.
  const cells = rows.map((row) => columns.map((column) => singleLine(column.value(row))));
  const widths = columns.map((column, index) =>
    Math.max(visibleLength(column.header), ...cells.map((line) => visibleLength(line[index] ?? ''))),
  );
  const pad = (text: string, index: number) => {
    const width = widths[index] ?? 0;
    const fill = ' '.repeat(Math.max(0, width - visibleLength(text)));
    return columns[index]?.align === 'right' ? fill + text : text + fill;
  };
  const lines = [
    columns.map((column, index) => pad(column.header, index)).join('  '),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...cells.map((line) => line.map((cell, index) => pad(cell, index)).join('  ')),
  ];
  return lines.map((line) => `  ${line.trimEnd()}`).join('\n');
}

/** A cell on one line: line breaks and tabs become visible escapes. */
export function singleLine(text: string): string {
  return /[\n\t]/.test(text) ? text.replaceAll('\n', '\\x0a').replaceAll('\t', '\\x09') : text;
}
