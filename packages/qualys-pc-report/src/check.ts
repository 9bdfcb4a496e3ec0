import { type CheckResult, echoValue } from '@posturesync/core';
import { matchingReports } from './choose-report.ts';
import type { ClassicApi } from './classic-api.ts';
import { reportPath } from './fetch-report.ts';
import { fetchPolicyList } from './policy-list.ts';
import { parseReportList } from './report-list.ts';
import type { QualysAuth } from './session.ts';

/** Said by every check: only the CSV layout is known from real reports (spec/policy-report-csv-real.md). */
export const formatConfidence =
  'report formats: CSV is the confirmed layout (known from real Qualys exports); XML is a best guess (no public sample or DTD exists), so prefer output format CSV';

/**
 * Light authenticated calls: the report list (plus the session login in session mode) and,
 * unless a policy ID is configured, the compliance policy list the policy titles resolve through.
 * Failures surface as the typed errors of the client and the API wrapper: AuthError for bad
 * credentials (code 2000 / 401), PermissionError for restricted accounts (403, 2003, 2011),
 * TransientError for an unreachable host or a TLS problem, each with what to do.
 */
export async function checkAccess(
  api: ClassicApi,
  auth: QualysAuth,
  options: {
    titlePrefix: string;
    mode: 'session' | 'basic';
    apiUrl: string;
    /** `policyId`, else `launch.policyId`: no lookup needed. */
    policyId?: string | null;
    signal?: AbortSignal;
  },
): Promise<CheckResult> {
  const details: string[] = [`API server ${options.apiUrl} reachable`];
  if (options.mode === 'session') {
    await auth.login();
    details.push('session login accepted');
  }
  const xml = await api.text(
    {
      method: 'GET',
      path: reportPath,
      params: { action: 'list' },
      label: 'Qualys report list',
      ...(options.signal ? { signal: options.signal } : {}),
    },
    'REPORT_LIST_OUTPUT',
  );
  if (options.mode === 'basic') details.push('Basic credentials accepted');
  const entries = parseReportList(xml);
  const matching = matchingReports(entries, options.titlePrefix);
  details.push(`${entries.length} reports listed`);
  const [newest] = matching;
  details.push(
    newest
      ? `${matching.length} finished report(s) match ${echoValue(options.titlePrefix, 120)}; newest: ID ${newest.id} ${echoValue(newest.title, 120)} launched ${newest.launchDatetime ?? 'at an unknown time'}`
      : `no finished report matches ${echoValue(options.titlePrefix, 120)} yet`,
  );
  if (newest?.outputFormat && newest.outputFormat.toUpperCase() !== 'CSV') {
    details.push(
      `the newest matching report is ${newest.outputFormat}, not CSV: its layout is not confirmed`,
    );
  }
  if (options.policyId) {
    details.push(`policy ID ${options.policyId} configured: report policy titles are not looked up`);
  } else {
    const policies = await fetchPolicyList(api, options.signal);
    details.push(
      `compliance policy list readable (${policies.length} policies): report policy titles are resolved to IDs through it`,
    );
  }
  details.push(formatConfidence);
  return { ok: true, details };
}
