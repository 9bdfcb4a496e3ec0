import { z } from 'zod';

export const complianceStatusSchema = z.enum(['passed', 'failed', 'error', 'unknown']);
export type ComplianceStatus = z.infer<typeof complianceStatusSchema>;

export const statusCategorySchema = z.enum(['open', 'closed']);
export type StatusCategory = z.infer<typeof statusCategorySchema>;

/** Qualys sends `Passed` / `Failed` / `Error` (title case); anything else is kept as unknown. */
export function normalizeStatus(value: string | null | undefined): ComplianceStatus {
  switch (value?.trim().toLowerCase()) {
    case 'passed':
    case 'pass':
      return 'passed';
    case 'failed':
    case 'fail':
      return 'failed';
    case 'error':
      return 'error';
    default:
      return 'unknown';
  }
}

/**
 * A failed or errored control is an open finding; a passed one is closed. Unknown
 * statuses stay open so that nothing is silently treated as compliant.
 */
export function statusCategoryOf(status: ComplianceStatus): StatusCategory {
  return status === 'passed' ? 'closed' : 'open';
}
