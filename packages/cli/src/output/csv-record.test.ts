import { describe, expect, it } from 'vitest';
import { csvField, csvRecord } from './csv-record.ts';

describe('RFC 4180 CSV', () => {
  it('leaves plain fields alone and writes NULL as an empty field', () => {
    expect(csvRecord(['web-01', 42, 0.25, null, undefined, ''])).toBe('web-01,42,0.25,,,\r\n');
  });

  it('quotes fields with commas, quotes, CR or LF and doubles the quotes', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line 1\nline 2')).toBe('"line 1\nline 2"');
    expect(csvField('cr\r')).toBe('"cr\r"');
    expect(csvField('"')).toBe('""""');
  });

  it('quotes leading and trailing spaces so they survive trimming parsers', () => {
    expect(csvField(' padded ')).toBe('" padded "');
    expect(csvField('in side')).toBe('in side');
  });

  it('round-trips through a strict RFC 4180 reading', () => {
    const values = ['x,y', 'q"q', 'multi\r\nline', 'plain', ''];
    const line = csvRecord(values);
    // A minimal strict reader: split quoted/unquoted fields, undouble quotes.
    const fields: string[] = [];
    let index = 0;
    const text = line.slice(0, -2);
    while (index <= text.length) {
      if (text[index] === '"') {
        let value = '';
        index += 1;
        while (index < text.length) {
          if (text[index] === '"' && text[index + 1] === '"') {
            value += '"';
            index += 2;
          } else if (text[index] === '"') {
            index += 1;
            break;
          } else {
            value += text[index];
            index += 1;
          }
        }
        fields.push(value);
        index += 1;
      } else {
        const end = text.indexOf(',', index);
        fields.push(text.slice(index, end === -1 ? text.length : end));
        index = end === -1 ? text.length + 1 : end + 1;
      }
    }
    expect(fields).toEqual(values);
  });
});
