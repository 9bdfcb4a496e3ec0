import { digitsAt, isPlainDateTime, toIsoUtc } from '@posturesync/core';

const colon = 58;
const digitZero = 48;
const digitNine = 57;
const slash = 47;

/**
 * A Qualys date as ISO-8601 UTC, or null for "never" (`""`): the Policy Report CSV's
 * `MM/DD/YYYY at HH:MM:SS (GMT+HHMM)` (time and offset each optional), else what core's
 * `toIsoUtc` reads (ISO-8601; a bare `YYYY-MM-DD HH:MM:SS` is UTC). Undefined for a non-empty
 * value that cannot be parsed, so the record is quarantined rather than stored with a wrong date.
 */
export function qualysDateToIsoUtc(value: string | number | null | undefined): string | null | undefined {
  if (typeof value !== 'string') return toIsoUtc(value);
  // Anything not shaped `MM/DD...` (ISO dates above all, the PCRS case) goes straight to core's
  // fast path untrimmed (core trims), so it costs two character tests more than before the split.
  const first = value.charCodeAt(0);
  if (first >= digitZero && first <= digitNine && value.charCodeAt(2) !== slash) return toIsoUtc(value);
  const trimmed = value.trim();
  if (trimmed.charCodeAt(2) !== slash) return toIsoUtc(trimmed);
  // Reports hold hundreds of thousands of these: answer the plain shape without a Date (issue 7).
  const fast = fastQualysCsvDate(trimmed);
  if (fast !== undefined) return fast;
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
  return toIsoUtc(trimmed);
}

/**
 * The Policy Report CSV's `MM/DD/YYYY at HH:MM:SS (GMT+HHMM)` (time and offset each optional),
 * normalized to UTC. Else undefined.
 */
function fastQualysCsvDate(text: string): string | undefined {
  const length = text.length;
  if (length !== 10 && length !== 22 && length !== 33) return undefined;
  if (text.charCodeAt(2) !== slash || text.charCodeAt(5) !== slash) return undefined;
  const month = digitsAt(text, 0, 2);
  const day = digitsAt(text, 3, 2);
  const year = digitsAt(text, 6, 4);
  let hour = 0;
  let minute = 0;
  let second = 0;
  if (length > 10) {
    if (text.slice(10, 14) !== ' at ' || text.charCodeAt(16) !== colon || text.charCodeAt(19) !== colon) {
      return undefined;
    }
    hour = digitsAt(text, 14, 2);
    minute = digitsAt(text, 17, 2);
    second = digitsAt(text, 20, 2);
  }
  // Dates before year 100 would need care with Date.UTC; leave them to the general path.
  if (year < 100 || !isPlainDateTime(year, month, day, hour, minute, second)) return undefined;
  let offsetMinutes = 0;
  if (length === 33) {
    const sign = text[27];
    if (text.slice(22, 27) !== ' (GMT' || (sign !== '+' && sign !== '-') || text[32] !== ')')
      return undefined;
    const offsetHours = digitsAt(text, 28, 2);
    const offsetRest = digitsAt(text, 30, 2);
    if (offsetHours < 0 || offsetHours > 23 || offsetRest < 0 || offsetRest > 59) return undefined;
    offsetMinutes = (sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetRest);
  }
  const pad = (number: number) => (number < 10 ? `0${number}` : String(number));
  if (offsetMinutes === 0) {
    return `${text.slice(6, 10)}-${text.slice(0, 2)}-${text.slice(3, 5)}T${pad(hour)}:${pad(minute)}:${pad(second)}.000Z`;
  }
  return new Date(
    Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000,
  ).toISOString();
}
