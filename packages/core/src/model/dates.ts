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
  // Reports hold hundreds of thousands of dates in two plain shapes: answer those without a Date
  // (about 5% of a report sync's CPU went here, issue 7). Anything unusual takes the general path.
  const fast = fastIsoDate(trimmed) ?? fastQualysCsvDate(trimmed);
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
const slash = 47;

/** The number in `text[start, start + count)`, or -1 unless it is all ASCII digits. */
function digitsAt(text: string, start: number, count: number): number {
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
function isPlainDateTime(
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
