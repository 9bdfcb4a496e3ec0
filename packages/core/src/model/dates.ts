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
