import { describe, expect, it } from 'vitest';
import { qualysDateToIsoUtc } from './qualys-dates.ts';

describe('qualysDateToIsoUtc', () => {
  it('parses the Policy Report CSV date format with its offset', () => {
    expect(qualysDateToIsoUtc('06/25/2026 at 11:37:18 (GMT+0700)')).toBe('2026-06-25T04:37:18.000Z');
  });
  it('turns "never" into null and reads ISO dates as core does', () => {
    expect(qualysDateToIsoUtc('')).toBeNull();
    expect(qualysDateToIsoUtc(null)).toBeNull();
    expect(qualysDateToIsoUtc('2023-09-15 09:16:33')).toBe('2023-09-15T09:16:33.000Z');
    expect(qualysDateToIsoUtc('yesterday')).toBeUndefined();
  });
});

/** The implementation before issue 7's fast paths, verbatim: the oracle they must match. */
function generalToIsoUtc(value: string): string | null | undefined {
  const trimmed = value.trim();
  if (trimmed === '' || trimmed === '-' || trimmed.toLowerCase() === 'null') return null;
  const qualysCsv =
    /^(\d{2})\/(\d{2})\/(\d{4})(?: at (\d{2}):(\d{2}):(\d{2}))?(?: \(GMT([+-])(\d{2})(\d{2})\))?$/.exec(
      trimmed,
    );
  if (qualysCsv) {
    const [, month, day, year, hour = '00', minute = '00', second = '00', sign, offsetHours, offsetMinutes] =
      qualysCsv;
    const offset = sign ? `${sign}${offsetHours}:${offsetMinutes}` : 'Z';
    const date = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}${offset}`);
    return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  }
  const withZone = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(trimmed)
    ? `${trimmed.replace(' ', 'T')}Z`
    : trimmed;
  if (!/^\d{4}-\d{2}-\d{2}/.test(withZone)) return undefined;
  const date = new Date(withZone);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

describe('issue 7: qualysDateToIsoUtc fast paths', () => {
  it('issue 7: plain ISO and report CSV dates give exactly what the general path gives', () => {
    const fixed = [
      '2023-09-15T09:16:33Z',
      '2023-09-15T09:16:33.123Z',
      '2023-09-15T09:16:33.123',
      '2023-09-15T09:16:33',
      '2023-09-15 09:16:33',
      '2023-09-15 09:16:33.5',
      '2023-09-15 09:16:33Z',
      '2023-09-15 09:16:33.123Z',
      '2024-02-29T00:00:00Z',
      '2023-02-29T00:00:00Z',
      '1900-02-29T00:00:00Z',
      '2000-02-29T23:59:59Z',
      '2024-02-30T00:00:00Z',
      '2024-04-31T00:00:00Z',
      '2024-05-01T24:00:00Z',
      '2024-05-01T23:60:00Z',
      '2024-05-01T23:59:60Z',
      '2023-13-45T99:00:00Z',
      '2024-00-10T00:00:00Z',
      '2024-05-00T00:00:00Z',
      '0000-01-01T00:00:00Z',
      '0050-06-01T12:00:00Z',
      '2024-05-01T06:00:12.1Z',
      '2024-05-01T06:00:12.1234Z',
      '2024-05-01T06:00:12+00:00',
      '2024-05-01T06:00:12z',
      '2024-05-01t06:00:12Z',
      '2024-05-01T06:00Z',
      '2024/05/01T06:00:12Z',
      '2O24-05-01T06:00:12Z',
      '  2024-05-01T06:00:12Z  ',
      '06/25/2026 at 11:37:18 (GMT+0700)',
      '06/25/2026 at 11:37:18 (GMT-0930)',
      '06/25/2026 at 11:37:18 (GMT+0000)',
      '06/25/2026 at 11:37:18 (GMT-0000)',
      '06/25/2026 at 11:37:18 (GMT+2400)',
      '06/25/2026 at 11:37:18 (GMT+0760)',
      '06/25/2026 at 11:37:18',
      '06/25/2026',
      '06/25/2026 (GMT+0100)',
      '01/01/2026 at 02:00:00 (GMT+0300)',
      '12/31/2025 at 22:00:00 (GMT-0300)',
      '02/29/2023 at 00:00:00',
      '02/30/2024 at 00:00:00 (GMT+0100)',
      '13/45/2024 at 99:99:99 (GMT+0000)',
      '04/31/2024',
      '06/25/0099 at 11:37:18 (GMT+0700)',
      '06/25/0100 at 01:00:00 (GMT+0700)',
      '06-25-2026 at 11:37:18 (GMT+0700)',
      '06/25/2026 at 11:37:18 (UTC+0700)',
      '06/25/2026 AT 11:37:18',
    ];
    const next = (() => {
      let state = 7;
      return () => {
        state = (state * 1103515245 + 12345) % 2147483648;
        return state / 2147483648;
      };
    })();
    const two = (max: number) => String(Math.floor(next() * max)).padStart(2, '0');
    const generated: string[] = [];
    for (let round = 0; round < 3000; round += 1) {
      const year = String(1899 + Math.floor(next() * 203)).padStart(4, '0');
      const date = `${year}-${two(14)}-${two(33)}`;
      const time = `${two(26)}:${two(62)}:${two(62)}`;
      const fraction = ['', '.000', '.999', '.5', ''][Math.floor(next() * 5)];
      const zone = ['Z', '', 'Z'][Math.floor(next() * 3)];
      const separator = next() < 0.8 ? 'T' : ' ';
      generated.push(`${date}${separator}${time}${fraction}${zone}`);
      const offset = `${next() < 0.5 ? '+' : '-'}${two(26)}${two(62)}`;
      const tail = [` at ${time} (GMT${offset})`, ` at ${time}`, '', ` at ${time} (GMT+0000)`][
        Math.floor(next() * 4)
      ];
      generated.push(`${two(14)}/${two(33)}/${year}${tail}`);
    }
    for (const text of [...fixed, ...generated])
      expect(qualysDateToIsoUtc(text), text).toBe(generalToIsoUtc(text));
  });
});
