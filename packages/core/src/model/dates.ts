/**
 * Normalizes a source date to ISO-8601 UTC (`2024-05-01T06:00:12.000Z`) or null.
 * Qualys uses `""` for "never", so empty strings become null. Returns `undefined` for a
 * non-empty value that cannot be parsed, so callers can quarantine the record instead of
 * storing a wrong date.
 */
export function toIsoUtc(value: string | number | null | undefined): string | null | undefined {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  }
  const trimmed = value.trim();
  if (trimmed === '' || trimmed === '-' || trimmed.toLowerCase() === 'null') return null;
  // Sources send hundreds of thousands of dates in one plain shape: answer it without a Date
  // (about 5% of a report sync's CPU went here, issue 7). Anything unusual takes the general path.
  // Vendor formats (e.g. a report's `MM/DD/YYYY at ...`) are read by the vendor's own package.
  const fast = fastIsoDate(trimmed);
  if (fast !== undefined) return fast;
  // A bare `YYYY-MM-DD HH:MM:SS` is UTC by Qualys convention.
  const withZone = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(trimmed)
    ? `${trimmed.replace(' ', 'T')}Z`
    : trimmed;
  if (!/^\d{4}-\d{2}-\d{2}/.test(withZone)) return undefined;
  const date = new Date(withZone);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

const digitZero = 48;
const minus = 45;
const colon = 58;

/** The number in `text[start, start + count)`, or -1 unless it is all ASCII digits. */
export function digitsAt(text: string, start: number, count: number): number {
  let number = 0;
  for (let index = start; index < start + count; index += 1) {
    const digit = text.charCodeAt(index) - digitZero;
    if (digit < 0 || digit > 9) return -1;
    number = number * 10 + digit;
  }
  return number;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * True for a real calendar date and time of day. `new Date` would roll some invalid ones
 * over (Feb 30 becomes Mar 1, 24:00 the next day): those keep taking the general path, so
 * their result stays exactly what it always was.
 */
export function isPlainDateTime(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): boolean {
  return (
    year >= 0 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    hour >= 0 &&
    hour <= 23 &&
    minute >= 0 &&
    minute <= 59 &&
    second >= 0 &&
    second <= 59
  );
}

/**
 * `YYYY-MM-DDTHH:MM:SS` with `Z`, `.sssZ`, `.sss` or nothing after it, or the same with a space
 * instead of the `T` and no `Z`: the normalized text, built without a Date. Else undefined.
 */
function fastIsoDate(text: string): string | undefined {
  const length = text.length;
  if (length !== 19 && length !== 20 && length !== 23 && length !== 24) return undefined;
  if (
    text.charCodeAt(4) !== minus ||
    text.charCodeAt(7) !== minus ||
    text.charCodeAt(13) !== colon ||
    text.charCodeAt(16) !== colon
  ) {
    return undefined;
  }
  const separator = text[10];
  if (separator !== 'T' && separator !== ' ') return undefined;
  const zoned = text[length - 1] === 'Z';
  if (zoned && separator !== 'T') return undefined;
  let fraction = '.000';
  if (length >= 23) {
    if (text[19] !== '.' || digitsAt(text, 20, 3) < 0) return undefined;
    fraction = text.slice(19, 23);
  }
  if ((length === 20 || length === 24) !== zoned) return undefined;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  if (!isPlainDateTime(year, month, day, hour, minute, second)) return undefined;
  return `${text.slice(0, 10)}T${text.slice(11, 19)}${fraction}Z`;
}
