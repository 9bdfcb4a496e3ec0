import { InvalidArgumentError } from 'commander';

export type Since = { runId: number } | { at: string };

/**
 * `--since`: a run id (a whole number) or an ISO-8601 date or date-time. A date without a zone
 * is read as UTC; the result is normalised to the store's `YYYY-MM-DDTHH:MM:SS.sssZ` so it
 * compares correctly with the stored times.
 */
export function parseSince(value: string): Since {
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    const runId = Number(text);
    if (Number.isSafeInteger(runId) && runId >= 1) return { runId };
  }
  const isoLike = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
  if (isoLike.test(text)) {
    const withZone = /(Z|[+-]\d{2}:?\d{2})$/.test(text) || text.length === 10 ? text : `${text}Z`;
    const date = new Date(withZone.replace(' ', 'T'));
    if (!Number.isNaN(date.getTime())) return { at: date.toISOString() };
  }
  throw new InvalidArgumentError(
    `expected a run id (e.g. 12) or an ISO date (e.g. 2024-10-01 or 2024-10-01T08:00:00Z), got "${value}"`,
  );
}
