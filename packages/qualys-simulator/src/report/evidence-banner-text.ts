import type { SimEvidence } from '../estate/types.ts';

/** The banner lines of a real report's Evidence cell (spec policy-report-csv-real.md §6). */
export const evidenceBanners = {
  expected: '======Expected Value(s)======',
  current: (lastUpdated: string) => `======Current Value(s) - Last updated:${lastUpdated}======`,
  extended: '======Extended Evidence(s)======:',
} as const;

/**
 * The Evidence cell of the real layout: expected values under one banner, current values
 * under a banner carrying their "last updated" date, extended evidence (when there is any)
 * under a third. Lines are joined with a bare LF, as inside any real multi-line cell.
 * `lastUpdated` is written in the report's own date format (an assumption: the spec shows
 * the banner, not the date inside it).
 */
export function formatEvidenceBannerText(evidence: SimEvidence, lastUpdated: string): string {
  const lines = [evidenceBanners.expected, evidence.expected, evidenceBanners.current(lastUpdated)];
  lines.push(evidence.actual);
  if (evidence.extendedEvidence) lines.push(evidenceBanners.extended, evidence.extendedEvidence);
  return lines.join('\n');
}
