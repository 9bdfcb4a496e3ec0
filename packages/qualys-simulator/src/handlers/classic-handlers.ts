import { http, type RequestHandler } from 'msw';
import { v2Call } from './classic-call.ts';
import { readParameters } from './classic-request.ts';
import { sessionEndpoint } from './classic-session.ts';
import { listCompliancePolicies } from './compliance-policy-endpoint.ts';
import { fetchReport } from './report-fetch.ts';
import { launchReport } from './report-launch.ts';
import { listReports } from './report-list.ts';
import type { EndpointName, SimulatorRuntime } from './runtime.ts';

/** `/api/2.0/fo/report/`: list, fetch and launch, dispatched on `action`. */
async function reportEndpoint(runtime: SimulatorRuntime, request: Request): Promise<Response> {
  // The endpoint name (for stats and faults) depends on the action, known only from the parameters.
  const peek = await readParameters(request.clone());
  const action = peek.get('action');
  const endpoint: EndpointName =
    action === 'fetch' ? 'reportFetch' : action === 'launch' ? 'reportLaunch' : 'reportList';
  return v2Call(runtime, endpoint, request, async (parameters, fault) => {
    switch (parameters.get('action')) {
      case 'list':
        return listReports(runtime, parameters);
      case 'fetch':
        return fetchReport(runtime, parameters, fault);
      case 'launch':
        return launchReport(runtime, request, parameters);
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
}

/** The classic API v2 endpoints the connectors use: session, report and compliance policy list. */
export function classicHandlers(runtime: SimulatorRuntime): RequestHandler[] {
  const compliancePolicy = (request: Request) =>
    v2Call(runtime, 'compliancePolicyList', request, async (parameters) =>
      listCompliancePolicies(runtime, parameters),
    );
  const session = (request: Request) => sessionEndpoint(runtime, request);
  const report = (request: Request) => reportEndpoint(runtime, request);
  return [
    http.all('*/api/2.0/fo/compliance/policy/', ({ request }) => compliancePolicy(request)),
    http.all('*/api/2.0/fo/compliance/policy', ({ request }) => compliancePolicy(request)),
    http.all('*/api/2.0/fo/session/', ({ request }) => session(request)),
    http.all('*/api/2.0/fo/session', ({ request }) => session(request)),
    http.all('*/api/2.0/fo/report/', ({ request }) => report(request)),
    http.all('*/api/2.0/fo/report', ({ request }) => report(request)),
  ];
}
