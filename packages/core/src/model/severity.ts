import { z } from 'zod';

export const severitySchema = z.enum(['critical', 'high', 'medium', 'low', 'info', 'undefined']);
export type Severity = z.infer<typeof severitySchema>;

/**
 * Qualys lets subscriptions rename criticality labels, so severity is derived from the
 * numeric value only: 5 Urgent, 4 Critical, 3 Serious, 2 Medium, 1 Minimal, 0 or absent Undefined.
 */
export function severityFromCriticality(value: number | string | null | undefined): Severity {
  const numeric = typeof value === 'string' ? Number.parseInt(value.trim(), 10) : value;
  switch (numeric) {
    case 5:
      return 'critical';
    case 4:
      return 'high';
    case 3:
      return 'medium';
    case 2:
      return 'low';
    case 1:
      return 'info';
    default:
      return 'undefined';
  }
}
