import { dayMs, isoSeconds } from '../estate/dates.ts';
import { reportStateOf } from '../report/report-spec.ts';
import type { SimulatorRuntime } from './runtime.ts';

/** `action=launch` (POST only): queues a Policy report that finishes `reportLaunchDelayMs` later. */
export function launchReport(
  runtime: SimulatorRuntime,
  request: Request,
  parameters: URLSearchParams,
): Response {
  if (request.method !== 'POST') {
    return runtime.simpleReturn(400, {
      code: 1908,
      text: 'Request method (GET or POST) is incompatible with specified parameter(s): action=launch',
    });
  }
  const missing = ['template_id', 'report_type', 'output_format'].filter((name) => !parameters.get(name));
  if (missing.length > 0) {
    return runtime.simpleReturn(400, {
      code: 1903,
      text: `Missing required parameter(s): ${missing.join(', ')}`,
    });
  }
  const reportType = parameters.get('report_type') ?? '';
  if (reportType.toLowerCase() !== 'policy') {
    return runtime.simpleReturn(400, {
      code: 1905,
      text: `parameter report_type has invalid value: ${reportType} (the simulator serves Policy reports only)`,
    });
  }
  const format = (parameters.get('output_format') ?? '').toLowerCase();
  if (format !== 'xml' && format !== 'csv') {
    return runtime.simpleReturn(400, {
      code: 1905,
      text: `parameter output_format has invalid value: ${format} (the simulator generates xml and csv)`,
    });
  }
  const policyId = parameters.get('policy_id') ?? runtime.estate.policies()[0]?.id ?? '';
  if (!runtime.estate.policy(policyId)) {
    return runtime.simpleReturn(400, {
      code: 1905,
      text: `parameter policy_id has invalid value: ${policyId}`,
    });
  }
  const now = runtime.now();
  const stillRunning = runtime.reports.filter(
    (report) => report.readyAt !== undefined && reportStateOf(report, now).state !== 'Finished',
  ).length;
  if (stillRunning >= runtime.options.maxRunningReports) {
    return runtime.simpleReturn(409, {
      code: 1960,
      text: 'Max number of allowed reports already running. Please try again later.',
    });
  }
  const title = (parameters.get('report_title') ?? '').slice(0, 128) || `Policy Report ${isoSeconds(now)}`;
  const id = String(Math.max(0, ...runtime.reports.map((report) => Number(report.id) || 0)) + 1);
  runtime.reports.push({
    id,
    title,
    policyId,
    format,
    state: 'Submitted',
    launchDatetime: isoSeconds(now),
    expirationDatetime: isoSeconds(now + 7 * dayMs),
    userLogin: runtime.options.credentials.username,
    zipped: false,
    groupBy: 'host',
    include: {
      criticality: true,
      evidence: true,
      exceptions: true,
      header: parameters.get('hide_header') !== '1',
      extendedColumns: false,
      assetTags: true,
      statuses: 'all',
    },
    templateId: parameters.get('template_id') ?? '',
    layout: runtime.reportDefaults.layout,
    userTimeZone: runtime.reportDefaults.userTimeZone,
    launchedAt: now,
    readyAt: now + runtime.options.reportLaunchDelayMs,
  });
  return runtime.simpleReturn(200, { text: 'New report launched', items: [['ID', id]] });
}
