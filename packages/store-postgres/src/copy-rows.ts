import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ClientBase } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

export type CopyValue = string | number | null;

/**
 * PostgreSQL text cannot hold U+0000 (SQLite can): a NUL from the source becomes U+FFFD, the
 * replacement character, instead of failing the whole batch. JSON columns are unaffected
 * (JSON.stringify writes it as the six characters \u0000).
 */
export function postgresText(value: string): string {
  return value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
}

/** One CSV field: NULL is an unquoted empty field, every string is quoted (so '' stays ''). */
function csvField(value: CopyValue): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  return `"${postgresText(value).replaceAll('"', '""')}"`;
}

/** Rows as CSV text in chunks of about 1 MiB, so a large batch never becomes one huge string. */
function* csvChunks(rows: Iterable<readonly CopyValue[]>): Generator<string> {
  let chunk = '';
  for (const row of rows) {
    chunk += `${row.map(csvField).join(',')}\n`;
    if (chunk.length >= 1 << 20) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

/**
 * `COPY <table> (<columns>) FROM STDIN` in CSV: the fastest way to get many rows to the server
 * (one stream, no per-row statement). The table and columns are our own identifiers.
 */
export async function copyRows(
  client: ClientBase,
  table: string,
  columns: readonly string[],
  rows: Iterable<readonly CopyValue[]>,
): Promise<void> {
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN WITH (FORMAT csv)`));
  await pipeline(Readable.from(csvChunks(rows)), stream);
}
