import { isoSeconds } from '../estate/dates.ts';
import { reportStateOf } from '../report/report-spec.ts';
import { cdata, escapeXml } from '../shared/xml.ts';
import type { SimReport } from '../simulator-types.ts';
import type { SimulatorRuntime } from './runtime.ts';

function reportSize(runtime: SimulatorRuntime, report: SimReport): string {
  const records = runtime.estate.postureRecordCount([report.policyId]);
  const bytes = records * (report.format === 'xml' ? 2600 : 1500) * (report.zipped ? 0.12 : 1);
  if (bytes < 1024) return `${Math.round(bytes)} bytes`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(2)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(2)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

export function reportListXml(runtime: SimulatorRuntime, reports: SimReport[]): string {
  const now = runtime.now();
  const items = reports
    .map((report) => {
      const { state, percent } = reportStateOf(report, now);
      const status =
        state === 'Running'
          ? `<STATE>Running</STATE>\n          <MESSAGE>Report generation in progress</MESSAGE>\n          <PERCENT>${percent ?? 0}</PERCENT>`
          : state === 'Errors'
            ? '<STATE>Errors</STATE>\n          <MESSAGE>Report generation failed</MESSAGE>'
            : `<STATE>${state}</STATE>`;
      return `      <REPORT>
        <ID>${report.id}</ID>
        <TITLE>${cdata(report.title)}</TITLE>
        <TYPE>${report.layout === 'legacy' ? 'Policy' : 'Compliance'}</TYPE>
        <USER_LOGIN>${escapeXml(report.userLogin)}</USER_LOGIN>
        <LAUNCH_DATETIME>${report.launchDatetime}</LAUNCH_DATETIME>
        <OUTPUT_FORMAT>${report.format.toUpperCase()}</OUTPUT_FORMAT>
        <SIZE>${state === 'Finished' ? reportSize(runtime, report) : '-'}</SIZE>
        <STATUS>
          ${status}
        </STATUS>
        <EXPIRATION_DATETIME>${report.expirationDatetime}</EXPIRATION_DATETIME>
      </REPORT>
`;
    })
    .join('');
  return `<?xml version="1.0" encoding="UTF-8" ?>
<!DOCTYPE REPORT_LIST_OUTPUT SYSTEM "https://${runtime.options.platformHost}/api/2.0/fo/report/report_list_output.dtd">
<REPORT_LIST_OUTPUT>
  <RESPONSE>
    <DATETIME>${isoSeconds(now)}</DATETIME>
${items ? `    <REPORT_LIST>\n${items}    </REPORT_LIST>\n` : ''}  </RESPONSE>
</REPORT_LIST_OUTPUT>
`;
}

/** `action=list`, filtered by `id`, `state` and `user_login` like the real API. */
export function listReports(runtime: SimulatorRuntime, parameters: URLSearchParams): Response {
  const id = parameters.get('id');
  const state = parameters.get('state');
  const userLogin = parameters.get('user_login');
  const now = runtime.now();
  const selected = runtime.reports.filter(
    (report) =>
      (!id || report.id === id) &&
      (!state || reportStateOf(report, now).state.toLowerCase() === state.toLowerCase()) &&
      (!userLogin || report.userLogin === userLogin),
  );
  return new Response(reportListXml(runtime, selected), {
    status: 200,
    headers: { 'Content-Type': 'text/xml;charset=UTF-8' },
  });
}
