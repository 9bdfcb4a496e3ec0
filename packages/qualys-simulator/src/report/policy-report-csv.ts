import type { Estate } from '../estate/types.ts';
import type { SimReport, SimReportSpec } from '../simulator-types.ts';
import { generateLegacyPolicyReportCsv } from './policy-report-csv-legacy.ts';
import { generateRealPolicyReportCsv } from './policy-report-csv-real.ts';
import type { PolicyReportGenerateOptions } from './policy-report-options.ts';
import { toSimReport } from './report-spec.ts';

export type { PolicyReportGenerateOptions } from './policy-report-options.ts';

/**
 * Streams a Policy Report CSV in the report's layout: `real` (default, see
 * `policy-report-csv-real.ts`) or `legacy` (the simulator's older guess, see
 * `policy-report-csv-legacy.ts`).
 */
export function generatePolicyReportCsv(
  estate: Estate,
  spec: SimReport | SimReportSpec,
  options: PolicyReportGenerateOptions = {},
): AsyncGenerator<string> {
  const report = toSimReport(estate, spec);
  return report.layout === 'legacy'
    ? generateLegacyPolicyReportCsv(estate, report, options)
    : generateRealPolicyReportCsv(estate, report, options);
}
