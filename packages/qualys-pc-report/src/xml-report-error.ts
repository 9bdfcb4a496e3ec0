import { BadResponseError } from '@posturesync/core';
import type { ReportParseOptions, ReportPosition } from './report-records.ts';

/** The error for a report that is not well-formed XML, naming the report and where. */
export function malformed(
  options: ReportParseOptions,
  position: ReportPosition | null,
  reason: string,
  cause?: unknown,
) {
  const report = options.reportId ? `Policy report ${options.reportId}` : 'The policy report';
  const where = position ? ` at line ${position.line}, column ${position.column ?? 0}` : '';
  return new BadResponseError(
    `${report} is not well-formed XML${where}: ${reason}. Re-run the report in Qualys or fetch it again; data already stored is kept.`,
    {
      cause,
      details: {
        reportId: options.reportId ?? null,
        line: position?.line ?? null,
        column: position?.column ?? null,
        format: 'xml',
      },
    },
  );
}
