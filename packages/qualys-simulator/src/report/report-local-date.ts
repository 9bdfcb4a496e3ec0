/**
 * The zone a Policy Report writes its dates in. Real reports use the report user's local zone,
 * offset written next to each date, and that offset changes with daylight saving inside one
 * file (spec policy-report-csv-real.md §5: `GMT+1000` and `GMT+1100` in the same report).
 *
 * - `'sydney'`: an Australia/Sydney-like rule, computed here so output never depends on the
 *   machine's TZ or ICU data: +1000, and +1100 from the first Sunday of October 02:00 local
 *   standard time to the first Sunday of April 03:00 local daylight time (both 16:00 UTC on the
 *   Saturday before).
 * - `'utc'`: +0000 all year.
 * - `{ fixedOffsetMinutes }`: one fixed offset, e.g. -300 for `GMT-0500`.
 */
export type ReportTimeZone = 'sydney' | 'utc' | { fixedOffsetMinutes: number };

const hourMs = 3_600_000;

/** 16:00 UTC on the Saturday before the first Sunday of `month` (0-based) in `year`. */
function sydneySwitchUtc(year: number, month: number): number {
  const firstOfMonth = Date.UTC(year, month, 1);
  const weekday = new Date(firstOfMonth).getUTCDay();
  const firstSunday = firstOfMonth + ((7 - weekday) % 7) * 24 * hourMs;
  return firstSunday - 8 * hourMs;
}

/** Minutes east of UTC that `zone` observes at `epochMs`. */
export function reportOffsetMinutes(zone: ReportTimeZone, epochMs: number): number {
  if (zone === 'utc') return 0;
  if (typeof zone === 'object') return zone.fixedOffsetMinutes;
  const year = new Date(epochMs).getUTCFullYear();
  const daylight = epochMs < sydneySwitchUtc(year, 3) || epochMs >= sydneySwitchUtc(year, 9);
  return daylight ? 660 : 600;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** `GMT+1000` / `GMT-0500` / `GMT+0000`. */
export function gmtOffsetText(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const absolute = Math.abs(offsetMinutes);
  return `GMT${sign}${pad(Math.floor(absolute / 60))}${pad(absolute % 60)}`;
}

const cache = new Map<string, string>();
const cacheLimit = 100_000;

/**
 * A real-layout report date: `MM/DD/YYYY at HH:MM:SS (GMT+HHMM)` in the report user's zone,
 * each date with the offset in force at that instant. `''` (never) stays `''`.
 */
export function reportLocalDate(iso: string, zone: ReportTimeZone): string {
  if (iso === '') return '';
  const key = `${typeof zone === 'object' ? zone.fixedOffsetMinutes : zone}|${iso}`;
  // Results of one host share their dates, so a small cache removes most of the formatting.
  let text = cache.get(key);
  if (text !== undefined) return text;
  const epochMs = Date.parse(iso);
  if (Number.isNaN(epochMs)) throw new RangeError(`reportLocalDate needs an ISO date, got "${iso}"`);
  const offset = reportOffsetMinutes(zone, epochMs);
  const local = new Date(epochMs + offset * 60_000);
  text = `${pad(local.getUTCMonth() + 1)}/${pad(local.getUTCDate())}/${local.getUTCFullYear()} at ${pad(
    local.getUTCHours(),
  )}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())} (${gmtOffsetText(offset)})`;
  if (cache.size >= cacheLimit) cache.clear();
  cache.set(key, text);
  return text;
}
