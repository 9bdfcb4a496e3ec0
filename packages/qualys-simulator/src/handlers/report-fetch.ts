import { generatePolicyReportCsv, type PolicyReportGenerateOptions } from '../report/policy-report-csv.ts';
import { generatePolicyReportXml } from '../report/policy-report-xml.ts';
import { reportStateOf } from '../report/report-spec.ts';
import { zipSingleEntry } from '../report/zip-writer.ts';
import { iterableToStream } from '../shared/body-streams.ts';
import type { FaultKind, SimReport } from '../simulator-types.ts';
import type { SimulatorRuntime } from './runtime.ts';

function fileName(report: SimReport): string {
  const safe = report.title.replace(/[^A-Za-z0-9._-]+/g, '_');
  return `${safe}_${report.id}.${report.format}`;
}

/** `action=fetch`: a Finished report's CSV or XML, streamed (zipped when the report is). */
export function fetchReport(
  runtime: SimulatorRuntime,
  parameters: URLSearchParams,
  fault: FaultKind | undefined,
): Response {
  const id = parameters.get('id');
  if (!id) return runtime.simpleReturn(400, { code: 1903, text: 'Missing required parameter(s): id' });
  const report = runtime.reports.find((candidate) => candidate.id === id);
  if (!report) {
    return runtime.simpleReturn(400, {
      code: 1905,
      text: `parameter id has invalid value: ${id} (no such report)`,
    });
  }
  const { state } = reportStateOf(report, runtime.now());
  if (state !== 'Finished') {
    return runtime.simpleReturn(400, {
      code: 1905,
      text: `Report ${id} is not ready for download: its state is ${state}. Fetch it once the state is Finished.`,
    });
  }
  const generateOptions: PolicyReportGenerateOptions = { generatedAt: new Date(report.launchDatetime) };
  if (fault === 'malformedXml' || fault === 'malformedJson') generateOptions.fault = 'malformed';
  if (fault === 'malformedRecord') generateOptions.fault = 'malformedRecord';
  const content =
    report.format === 'xml'
      ? generatePolicyReportXml(runtime.estate, report, generateOptions)
      : generatePolicyReportCsv(runtime.estate, report, generateOptions);
  if (report.zipped) {
    return new Response(
      iterableToStream(zipSingleEntry(fileName(report), content, new Date(report.launchDatetime))),
      {
        status: 200,
        headers: {
          'Content-Type': 'application/zip',
          'Content-Disposition': `attachment; filename="${fileName(report)}.zip"`,
        },
      },
    );
  }
  return new Response(iterableToStream(content), {
    status: 200,
    headers: {
      'Content-Type': report.format === 'xml' ? 'text/xml;charset=UTF-8' : 'text/csv;charset=UTF-8',
      'Content-Disposition': `attachment; filename="${fileName(report)}"`,
    },
  });
}
