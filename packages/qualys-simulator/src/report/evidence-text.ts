import type { SimCauseOfFailure, SimEvidence } from '../estate/types.ts';

/**
 * How the simulator writes evidence into a Policy Report CSV cell: two labelled lines,
 * `Expected: <value>` and `Actual: <value>` (plus `Extended: <text>` when present).
 * Real report evidence text is not public; connectors can use `parseEvidenceText` to
 * read the simulator's convention and keep the raw text for anything else.
 */
export function formatEvidenceText(evidence: SimEvidence): string {
  const lines = [`Expected: ${evidence.expected}`, `Actual: ${evidence.actual}`];
  if (evidence.extendedEvidence) lines.push(`Extended: ${evidence.extendedEvidence}`);
  return lines.join('\n');
}

export function parseEvidenceText(text: string): { expected: string | null; actual: string | null } {
  const expected = /^Expected: ?(.*)$/m.exec(text)?.[1] ?? null;
  const actual = /^Actual: ?(.*)$/m.exec(text)?.[1] ?? null;
  return { expected, actual };
}

/** `Missing (ALL): a, b` / `Unexpected: c` lines, mirroring the posture XML's MISSING/UNEXPECTED. */
export function formatCauseOfFailureText(cause: SimCauseOfFailure | null): string {
  if (!cause) return '';
  const lines: string[] = [];
  if (cause.missing) lines.push(`Missing (${cause.missing.logic}): ${cause.missing.values.join(', ')}`);
  if (cause.unexpected) lines.push(`Unexpected: ${cause.unexpected.values.join(', ')}`);
  return lines.join('\n');
}
