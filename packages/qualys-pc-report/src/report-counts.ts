/** What a report's SUMMARY says each policy holds, what RESULTS really held, and the warning when they differ. */

/** The result counts SUMMARY gives for a policy (null where the template leaves a column out). */
export interface SummaryCounts {
  controlInstances: number | null;
  passed: number | null;
  failed: number | null;
  error: number | null;
}

/** Result rows read for a policy, by status (rows later quarantined included: they were read). */
export interface ReadCounts {
  total: number;
  passed: number;
  failed: number;
  error: number;
  unknown: number;
}

/** A policy whose RESULTS hold fewer rows than its SUMMARY counts: the file may be cut short. */
export interface Shortfall {
  policyUid: string;
  expected: SummaryCounts;
  read: ReadCounts;
}

/** `"6"` in real reports, `"455(98.27%)"` in older layouts: the leading integer, or null. */
export function countOf(value: string | null): number | null {
  const match = value === null ? null : /^\s*(\d+)/.exec(value);
  return match?.[1] === undefined ? null : Number(match[1]);
}

export function emptyReadCounts(): ReadCounts {
  return { total: 0, passed: 0, failed: 0, error: 0, unknown: 0 };
}

function describeCounts(
  total: number | null,
  passed: number | null,
  failed: number | null,
  error: number | null,
) {
  const part = (value: number | null, word: string) => (value === null ? null : `${value} ${word}`);
  const parts = [part(passed, 'passed'), part(failed, 'failed'), part(error, 'error')].filter(Boolean);
  return `${total ?? 'an unknown number of'} result row(s)${parts.length ? ` (${parts.join(', ')})` : ''}`;
}

/** The warning for a shortfall: both counts, and what it means for the run. */
export function shortfallWarning(reportId: string, shortfall: Shortfall): string {
  const { expected, read } = shortfall;
  return `Policy report ${reportId}, policy ${shortfall.policyUid}: SUMMARY counts ${describeCounts(
    expected.controlInstances,
    expected.passed,
    expected.failed,
    expected.error,
  )} but RESULTS holds ${describeCounts(read.total, read.passed, read.failed, read.error)}. The file may have been cut short: what was read is stored, but no finding is closed. Fetch or re-run the report and sync again.`;
}
