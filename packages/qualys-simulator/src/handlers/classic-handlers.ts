import { randomBytes } from 'node:crypto';
import { http, type RequestHandler } from 'msw';
import { dayMs, isoSeconds } from '../estate/dates.ts';
import { generatePolicyReportCsv, type PolicyReportGenerateOptions } from '../report/policy-report-csv.ts';
import { generatePolicyReportXml } from '../report/policy-report-xml.ts';
import { reportStateOf } from '../report/report-spec.ts';
import { zipSingleEntry } from '../report/zip-writer.ts';
import { iterableToStream, onStreamDone } from '../shared/body-streams.ts';
import { cdata, escapeXml } from '../shared/xml.ts';
import type { FaultKind, SimReport } from '../simulator-types.ts';
import { compliancePolicyEntryOf, compliancePolicyListXml, parseIdList } from './compliance-policy-list.ts';
import type { EndpointName, SimulatorRuntime } from './runtime.ts';

async function readParameters(request: Request): Promise<URLSearchParams> {
  const parameters = new URL(request.url).searchParams;
  if (request.method === 'POST') {
    const contentType = request.headers.get('content-type') ?? '';
    const text = await request.text();
    if (text && (contentType.includes('application/x-www-form-urlencoded') || contentType === '')) {
      for (const [key, value] of new URLSearchParams(text)) parameters.append(key, value);
    }
  }
  return parameters;
}

function sessionIdOf(request: Request): string | undefined {
  const cookie = request.headers.get('cookie') ?? '';
  return /(?:^|;\s*)QualysSession=([^;]+)/.exec(cookie)?.[1];
}

function basicCredentialsOf(request: Request): { username: string; password: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(request.headers.get('authorization')?.trim() ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function reportSize(runtime: SimulatorRuntime, report: SimReport): string {
  const records = runtime.estate.postureRecordCount([report.policyId]);
  const bytes = records * (report.format === 'xml' ? 2600 : 1500) * (report.zipped ? 0.12 : 1);
  if (bytes < 1024) return `${Math.round(bytes)} bytes`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(2)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(2)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

function reportListXml(runtime: SimulatorRuntime, reports: SimReport[]): string {
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

function fileName(report: SimReport): string {
  const safe = report.title.replace(/[^A-Za-z0-9._-]+/g, '_');
  return `${safe}_${report.id}.${report.format}`;
}

export function classicHandlers(runtime: SimulatorRuntime): RequestHandler[] {
  const { estate } = runtime;
  const missingHeader = () =>
    runtime.simpleReturn(400, {
      code: 1903,
      text: 'Missing required header: X-Requested-With. Every API v2 call must send it (any value).',
    });
  const badLogin = () => runtime.simpleReturn(401, { code: 2000, text: 'Bad Login/Password' });

  function authenticated(request: Request): boolean {
    const session = sessionIdOf(request);
    if (session && runtime.sessions.has(session)) return true;
    const basic = basicCredentialsOf(request);
    const { username, password } = runtime.options.credentials;
    return basic !== undefined && basic.username === username && basic.password === password;
  }

  /** Header and auth checks, then the v2 rate and concurrency limits (concurrency first, as Qualys does). */
  async function v2Call(
    endpoint: EndpointName,
    request: Request,
    run: (parameters: URLSearchParams, fault: FaultKind | undefined) => Promise<Response>,
  ): Promise<Response> {
    return runtime.instrument(endpoint, 'classic', async (fault) => {
      if (!request.headers.get('x-requested-with')) return missingHeader();
      if (!authenticated(request)) return badLogin();
      const limit = runtime.options.classicRateLimit;
      const window = runtime.classicWindow;
      if (limit && window) {
        if (runtime.classicRunning >= limit.concurrency) return runtime.concurrencyConflict();
        if (!window.tryTake(runtime.now())) return runtime.rateConflict(window.secondsToWait(runtime.now()));
      }
      runtime.classicRunning++;
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        runtime.classicRunning--;
      };
      try {
        const headers = runtime.classicLimitHeaders();
        const response = await run(await readParameters(request), fault);
        for (const [key, value] of Object.entries(headers)) response.headers.set(key, value);
        if (!response.body) {
          release();
          return response;
        }
        return new Response(onStreamDone(response.body, release), {
          status: response.status,
          headers: response.headers,
        });
      } catch (error) {
        release();
        throw error;
      }
    });
  }

  const session = async (request: Request) =>
    runtime.instrument('session', 'classic', async () => {
      if (!request.headers.get('x-requested-with')) return missingHeader();
      if (request.method !== 'POST') {
        return runtime.simpleReturn(400, {
          code: 1908,
          text: 'Request method (GET or POST) is incompatible with specified parameter(s): action',
        });
      }
      const parameters = await readParameters(request);
      const action = parameters.get('action');
      if (action === 'login') {
        const { username, password } = runtime.options.credentials;
        if (parameters.get('username') !== username || parameters.get('password') !== password)
          return badLogin();
        const id = randomBytes(16).toString('hex');
        runtime.sessions.add(id);
        const response = runtime.simpleReturn(200, { text: 'Logged in' });
        response.headers.append('Set-Cookie', `QualysSession=${id}; path=/api; secure`);
        return response;
      }
      if (action === 'logout') {
        const id = sessionIdOf(request);
        if (id) runtime.sessions.delete(id);
        return runtime.simpleReturn(200, { text: 'Logged out' });
      }
      if (!action)
        return runtime.simpleReturn(400, { code: 1903, text: 'Missing required parameter(s): action' });
      return runtime.simpleReturn(400, { code: 1905, text: `parameter action has invalid value: ${action}` });
    });

  function list(parameters: URLSearchParams): Response {
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

  function fetchReport(parameters: URLSearchParams, fault: FaultKind | undefined): Response {
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
        ? generatePolicyReportXml(estate, report, generateOptions)
        : generatePolicyReportCsv(estate, report, generateOptions);
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

  function launch(request: Request, parameters: URLSearchParams): Response {
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
    const policyId = parameters.get('policy_id') ?? estate.policies()[0]?.id ?? '';
    if (!estate.policy(policyId)) {
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

  const report = async (request: Request) => {
    // The endpoint name (for stats and faults) depends on the action, known only from the parameters.
    const peek = await readParameters(request.clone());
    const action = peek.get('action');
    const endpoint: EndpointName =
      action === 'fetch' ? 'reportFetch' : action === 'launch' ? 'reportLaunch' : 'reportList';
    return v2Call(endpoint, request, async (parameters, fault) => {
      switch (parameters.get('action')) {
        case 'list':
          return list(parameters);
        case 'fetch':
          return fetchReport(parameters, fault);
        case 'launch':
          return launch(request, parameters);
        case null:
        case '':
          return runtime.simpleReturn(400, { code: 1903, text: 'Missing required parameter(s): action' });
        default:
          return runtime.simpleReturn(400, {
            code: 1905,
            text: `parameter action has invalid value: ${parameters.get('action')}`,
          });
      }
    });
  };

  /** `action=list` of the classic compliance policy list, which maps report titles to policy IDs. */
  function listCompliancePolicies(parameters: URLSearchParams): Response {
    const action = parameters.get('action');
    if (!action)
      return runtime.simpleReturn(400, { code: 1903, text: 'Missing required parameter(s): action' });
    if (action !== 'list') {
      return runtime.simpleReturn(400, { code: 1905, text: `parameter action has invalid value: ${action}` });
    }
    const detailsText = parameters.get('details') ?? 'Basic';
    const details = (['None', 'Basic', 'All'] as const).find(
      (candidate) => candidate.toLowerCase() === detailsText.toLowerCase(),
    );
    if (!details) {
      return runtime.simpleReturn(400, {
        code: 1905,
        text: `parameter details has invalid value: ${detailsText} (use None, Basic or All)`,
      });
    }
    const idsText = parameters.get('ids');
    const matches = idsText === null ? () => true : parseIdList(idsText);
    if (!matches) {
      return runtime.simpleReturn(400, { code: 1905, text: `parameter ids has invalid value: ${idsText}` });
    }
    const reference = estate.options.referenceDate;
    const entries = [
      ...estate.policies().map(compliancePolicyEntryOf),
      ...runtime.extraCompliancePolicies.map((extra) => ({
        id: extra.id,
        title: extra.title,
        createdDate: reference,
        createdBy: estate.options.userLogin,
        modifiedDate: reference,
        modifiedBy: estate.options.userLogin,
        lastEvaluatedDate: reference,
        status: 'active' as const,
        locked: 0 as const,
        tagIds: [],
      })),
    ].filter((entry) => matches(entry.id));
    const xml = compliancePolicyListXml(
      entries,
      details,
      isoSeconds(runtime.now()),
      runtime.options.platformHost,
    );
    return new Response(xml, { status: 200, headers: { 'Content-Type': 'text/xml;charset=UTF-8' } });
  }

  const compliancePolicy = (request: Request) =>
    v2Call('compliancePolicyList', request, async (parameters) => listCompliancePolicies(parameters));

  return [
    http.all('*/api/2.0/fo/compliance/policy/', ({ request }) => compliancePolicy(request)),
    http.all('*/api/2.0/fo/compliance/policy', ({ request }) => compliancePolicy(request)),
    http.all('*/api/2.0/fo/session/', ({ request }) => session(request)),
    http.all('*/api/2.0/fo/session', ({ request }) => session(request)),
    http.all('*/api/2.0/fo/report/', ({ request }) => report(request)),
    http.all('*/api/2.0/fo/report', ({ request }) => report(request)),
  ];
}
