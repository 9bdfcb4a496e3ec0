import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { reportTitlePrefix } from './test-estate.ts';

/** The report the hostile classic API lists: finished, newer than any the simulator lists. */
export const hostileReportId = '9001';

const reportList = `<?xml version="1.0" encoding="UTF-8" ?>
<REPORT_LIST_OUTPUT><RESPONSE><DATETIME>2099-01-01T10:00:00Z</DATETIME><REPORT_LIST>
<REPORT><ID>${hostileReportId}</ID><TITLE><![CDATA[${reportTitlePrefix} hostile]]></TITLE><TYPE>Policy</TYPE><LAUNCH_DATETIME>2099-01-01T06:00:00Z</LAUNCH_DATETIME><OUTPUT_FORMAT>XML</OUTPUT_FORMAT><STATUS><STATE>Finished</STATE></STATUS></REPORT>
</REPORT_LIST></RESPONSE></REPORT_LIST_OUTPUT>`;

/** Serves the report fetch; `attempt` counts fetches from 1. */
export type HostileFetch = (response: ServerResponse, attempt: number) => void;

export interface HostileClassicApi {
  url: string;
  /** Report fetches served so far. */
  readonly fetches: number;
  close(): Promise<void>;
}

/**
 * A classic API v2 server that answers the login-free calls of a `qualys-pc-report` sync with
 * `auth: basic` (report list, report fetch) and lets the test decide what the fetch sends: the
 * hostile servers of issue 13 (an endless error envelope, a zip bomb, a huge text node, a drip).
 * It is not the simulator on purpose: these bodies are not Qualys behaviour, only attacks.
 */
export async function startHostileClassicApi(fetch: HostileFetch): Promise<HostileClassicApi> {
  let fetches = 0;
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://hostile.invalid');
    const action = url.searchParams.get('action');
    request.resume();
    if (url.pathname === '/api/2.0/fo/report/' && action === 'list') {
      response.writeHead(200, { 'content-type': 'text/xml' }).end(reportList);
    } else if (url.pathname === '/api/2.0/fo/report/' && action === 'fetch') {
      fetches++;
      fetch(response, fetches);
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get fetches() {
      return fetches;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Writes `head`, then `fill` repeated up to `totalBytes` with backpressure, then `tail`; stops
 * as soon as the client hangs up (which is what a bounded client does).
 */
export function streamBody(
  response: ServerResponse,
  options: { head: string; fill: Buffer; totalBytes: number; tail?: string; contentType?: string },
): void {
  response.writeHead(200, { 'content-type': options.contentType ?? 'text/xml' });
  response.write(options.head);
  let sent = 0;
  const pump = () => {
    while (!response.destroyed && sent < options.totalBytes) {
      sent += options.fill.length;
      if (!response.write(options.fill)) {
        response.once('drain', pump);
        return;
      }
    }
    if (!response.destroyed) response.end(options.tail ?? '');
  };
  response.on('close', () => response.removeAllListeners('drain'));
  pump();
}
