/** One CSV field per RFC 4180: quoted (quotes doubled) when it holds a comma, quote, CR or LF. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text =
    typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('base64') : String(value);
  // Leading or trailing spaces are data too; quoting them keeps lenient parsers from trimming.
  return /[",\r\n]|^ | $/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV record, CRLF-terminated as RFC 4180 specifies. */
export function csvRecord(values: readonly unknown[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}
