const dayMs = 86_400_000;

export { dayMs };

const isoCache = new Map<number, string>();
const isoCacheLimit = 100_000;

/** `YYYY-MM-DDTHH:MM:SSZ`, the format of every PCRS and v2 datetime. */
export function isoSeconds(epochMs: number): string {
  // Records of one host share their dates, so a small cache removes most Date formatting.
  const seconds = Math.floor(epochMs / 1000);
  let text = isoCache.get(seconds);
  if (text === undefined) {
    text = new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
    if (isoCache.size >= isoCacheLimit) isoCache.clear();
    isoCache.set(seconds, text);
  }
  return text;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** The Policy Report CSV date format: `MM/DD/YYYY at HH:MM:SS (GMT+0000)`; "" stays "". */
export function csvDate(iso: string): string {
  if (iso === '') return '';
  const date = new Date(iso);
  return `${pad(date.getUTCMonth() + 1)}/${pad(date.getUTCDate())}/${date.getUTCFullYear()} at ${pad(
    date.getUTCHours(),
  )}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} (GMT+0000)`;
}

/**
 * Parses the Qualys API date parameter forms `YYYY-MM-DD` and `YYYY-MM-DDTHH:MM:SSZ` (UTC).
 * Returns undefined for anything else so callers can answer with the API's own error.
 */
export function parseApiDate(value: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?Z)?$/.test(value)) return undefined;
  const date = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
