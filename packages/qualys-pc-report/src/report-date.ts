import { qualysDateToIsoUtc as toIsoUtc } from '@posturesync/qualys-common';

/**
 * Variants of the report date `MM/DD/YYYY at HH:MM:SS (GMT+HHMM)` (spec/policy-report-csv-real.md §5)
 * that no real file has shown but a user's settings might plausibly produce: a zone without an
 * offset (`(GMT)`, `(UTC)`), an offset with a colon or one-digit hours (`GMT+5:30`), a time
 * without seconds or with AM/PM, one-digit month or day. Rejecting them would quarantine every
 * row of such a report.
 */
const variant =
  /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: at (\d{1,2}):(\d{2})(?::(\d{2}))? ?([AP]M)?)?(?: ?\((?:GMT|UTC)(?:([+-])(\d{1,2}):?(\d{2}))?\))?$/i;

/** Longest text tried against the variant pattern; real dates are 33 characters. */
const maxDateLength = 48;

function fromVariant(text: string): string | undefined {
  const match = text.length <= maxDateLength ? variant.exec(text) : null;
  if (!match) return undefined;
  const [
    ,
    month,
    day,
    year,
    hour = '0',
    minute = '0',
    second = '0',
    meridiem,
    sign,
    offsetHours,
    offsetMinutes,
  ] = match;
  let hours = Number(hour);
  if (meridiem) {
    if (hours < 1 || hours > 12) return undefined;
    hours = (hours % 12) + (meridiem.toUpperCase() === 'PM' ? 12 : 0);
  }
  const parts = [
    Number(year),
    Number(month) - 1,
    Number(day),
    hours,
    Number(minute),
    Number(second),
  ] as const;
  const utc = Date.UTC(...parts);
  const check = new Date(utc);
  // Refuse what Date would roll over (Feb 30, 25:00) rather than store another day.
  if (
    check.getUTCFullYear() !== parts[0] ||
    check.getUTCMonth() !== parts[1] ||
    check.getUTCDate() !== parts[2] ||
    check.getUTCHours() !== parts[3] ||
    check.getUTCMinutes() !== parts[4] ||
    check.getUTCSeconds() !== parts[5]
  ) {
    return undefined;
  }
  const offset = sign ? (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes)) : 0;
  if (Math.abs(offset) > 14 * 60) return undefined;
  return new Date(utc - offset * 60_000).toISOString();
}

/**
 * A Policy Report date as ISO-8601 UTC, each converted with its own offset (the report user's
 * zone, which changes with daylight saving inside one file); null for an empty cell; undefined
 * when it cannot be read, so the caller can quarantine the record.
 */
export function reportDate(value: string | null | undefined): string | null | undefined {
  const standard = toIsoUtc(value);
  if (standard !== undefined || typeof value !== 'string') return standard;
  return fromVariant(value.trim());
}
