import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fixtureBytes } from './fixtures.ts';

/** One report the fixture server lists and serves: its body is a hand-written fixture. */
export interface FixtureReport {
  id: string;
  title: string;
  body: Buffer;
  launchDatetime?: string;
  type?: string;
}

export interface FixtureServer {
  url: string;
  /** Requests per `path action`, e.g. `/api/2.0/fo/compliance/policy/ list`. */
  requests: Map<string, number>;
  /** Query strings of the policy list calls. */
  policyListQueries: string[];
  close(): Promise<void>;
}

export interface FixtureServerOptions {
  reports: FixtureReport[];
  /** Body of the compliance policy list; default the `policy-list.xml` fixture. */
  policyList?: Buffer;
}

const sessionCookie = 'fixture-session-1';

function simpleReturn(text: string): string {
  return `<?xml version="1.0" encoding="UTF-8" ?>\n<SIMPLE_RETURN><RESPONSE><DATETIME>2022-10-03T00:00:00Z</DATETIME><TEXT>${text}</TEXT></RESPONSE></SIMPLE_RETURN>`;
}

function reportList(reports: readonly FixtureReport[]): string {
  const items = reports
    .map(
      (report) =>
        `<REPORT><ID>${report.id}</ID><TITLE><![CDATA[${report.title}]]></TITLE><TYPE>${report.type ?? 'Compliance'}</TYPE><USER_LOGIN>acme_ja12</USER_LOGIN><LAUNCH_DATETIME>${report.launchDatetime ?? '2022-10-02T22:15:00Z'}</LAUNCH_DATETIME><OUTPUT_FORMAT>CSV</OUTPUT_FORMAT><SIZE>6 KB</SIZE><STATUS><STATE>Finished</STATE></STATUS></REPORT>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8" ?>\n<REPORT_LIST_OUTPUT><RESPONSE><DATETIME>2022-10-03T00:00:00Z</DATETIME><REPORT_LIST>${items}</REPORT_LIST></RESPONSE></REPORT_LIST_OUTPUT>`;
}

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A loopback Qualys stand-in that only serves hand-written fixtures: session login/logout,
 * the report list, report fetch and the compliance policy list. It shares nothing with the
 * simulator, so connector tests on it check the connector against the spec's facts alone.
 */
export async function startFixtureServer(options: FixtureServerOptions): Promise<FixtureServer> {
  const requests = new Map<string, number>();
  const policyListQueries: string[] = [];
  const policyList = options.policyList ?? fixtureBytes('policy-list.xml');
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const params = new URLSearchParams(url.search);
    if (request.method === 'POST') {
      for (const [key, value] of new URLSearchParams(await bodyOf(request))) params.set(key, value);
    }
    const action = params.get('action') ?? '';
    const key = `${url.pathname} ${action}`;
    requests.set(key, (requests.get(key) ?? 0) + 1);
    const xml = (status: number, text: string, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'text/xml; charset=UTF-8', ...headers });
      response.end(text);
    };
    if (!request.headers['x-requested-with']) {
      xml(400, simpleReturn('X-Requested-With header is required'));
      return;
    }
    if (url.pathname === '/api/2.0/fo/session/') {
      if (action === 'login') {
        xml(200, simpleReturn('Logged in'), {
          'set-cookie': `QualysSession=${sessionCookie}; path=/api; secure`,
        });
      } else {
        xml(200, simpleReturn('Logged out'));
      }
      return;
    }
    if (!request.headers.cookie?.includes(`QualysSession=${sessionCookie}`)) {
      xml(401, simpleReturn('Authentication required'));
      return;
    }
    if (url.pathname === '/api/2.0/fo/compliance/policy/' && action === 'list') {
      policyListQueries.push(url.search);
      xml(200, policyList.toString('utf8'));
      return;
    }
    if (url.pathname === '/api/2.0/fo/report/' && action === 'list') {
      xml(200, reportList(options.reports));
      return;
    }
    if (url.pathname === '/api/2.0/fo/report/' && action === 'fetch') {
      const report = options.reports.find((candidate) => candidate.id === params.get('id'));
      if (!report) {
        xml(400, simpleReturn('Invalid report ID'));
        return;
      }
      response.writeHead(200, { 'content-type': 'text/csv' });
      response.end(report.body);
      return;
    }
    xml(404, simpleReturn(`Unknown call ${key}`));
  };
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(500);
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    policyListQueries,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
