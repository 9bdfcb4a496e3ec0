/**
 * The kit exercised against a tiny fake connector whose source is a loopback node:http
 * server: a ping endpoint behind Basic auth and a paged host list. The fake does what a
 * real connector must (typed errors, redaction, checkpoints), so every conformance test
 * runs for real here.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AuthError,
  BadResponseError,
  CancelledError,
  compositeId,
  defineConnector,
  type Host,
  type Policy,
  type RecordBatch,
  TransientError,
  type Violation,
  type ViolationDefinition,
} from '@posturesync/core';
import { describeConnectorConformance } from '@posturesync/engine/testing';
import { SqliteStore } from '@posturesync/store-sqlite';
import { z } from 'zod';

const username = 'kit-user';
const password = 'kit-password-Zq81!';
const sourceHosts = Array.from({ length: 5 }, (_, index) => ({
  id: String(9_000_000_000 + index),
  name: `host-${index}.example.test`,
  ip: index % 2 === 0 ? `10.0.0.${index + 1}` : `203.0.113.${index + 1}`,
  passed: index % 3 !== 0,
}));

interface FakeSource {
  url: string;
  server: Server;
  /** Page number that answers 500 once, then is disarmed. */
  failPage: number | null;
}

async function listen(
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<Server> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

async function startFakeSource(): Promise<FakeSource> {
  const expected = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  const source: FakeSource = { url: '', server: undefined as unknown as Server, failPage: null };
  source.server = await listen((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.headers.authorization !== expected) return send(401, { error: 'bad credentials' });
    if (url.pathname === '/api/ping') return send(200, { account: username, hosts: sourceHosts.length });
    if (url.pathname === '/api/hosts') {
      const page = Number(url.searchParams.get('page') ?? '1');
      const size = Number(url.searchParams.get('size') ?? '2');
      if (source.failPage === page) {
        source.failPage = null;
        return send(503, { error: 'injected fault' });
      }
      const slice = sourceHosts.slice((page - 1) * size, page * size);
      const nextPage = page * size < sourceHosts.length ? page + 1 : null;
      return send(200, { hosts: slice, nextPage });
    }
    return send(404, { error: 'not found' });
  });
  source.url = `http://127.0.0.1:${(source.server.address() as AddressInfo).port}`;
  return source;
}

const stop = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

const configSchema = z.object({
  baseUrl: z.url().describe('Base URL of the fake source'),
  username: z.string().min(1).describe('User name'),
  password: z.string().min(1).meta({ secret: true, description: 'Password (from KIT_PASSWORD)' }),
  pageSize: z.number().int().min(1).max(100).default(2).describe('Hosts per page'),
  network: z.string().nullable().default(null).describe('Label attached to every host'),
});
type KitConfig = z.infer<typeof configSchema>;

const sourceName = 'KITFAKE';
const policy: Policy = {
  uid: 'p1',
  sourceName,
  title: 'Kit policy',
  status: 'active',
  locked: false,
  createdBy: null,
  createdDate: null,
  modifiedDate: null,
  lastEvaluated: null,
  raw: {},
};
const definition: ViolationDefinition = {
  uid: compositeId('p1', 'c1'),
  sourceName,
  policyUid: 'p1',
  controlId: 'c1',
  technologyId: null,
  technologyName: null,
  statement: 'Password length is at least 14',
  description: null,
  recommendation: null,
  controlReference: null,
  criticalityLabel: 'SERIOUS',
  criticalityValue: 3,
  severity: 'medium',
  deprecated: false,
  sourceCreated: null,
  sourceLastModified: null,
  raw: {},
};

export const fakeConnector = defineConnector<KitConfig>({
  id: 'kit-fake',
  displayName: 'Kit fake',
  description: 'A loopback fake source used to test the conformance kit',
  sourceName,
  configSchema,
  secrets: [{ key: 'password', env: 'KIT_PASSWORD', description: 'Password of the fake source' }],
  create(config, context) {
    context.redactor.addBasicCredentials(config.username, config.password);
    const authorization = `Basic ${Buffer.from(`${config.username}:${config.password}`).toString('base64')}`;
    const get = async (path: string): Promise<unknown> => {
      let response: Response;
      try {
        response = await fetch(new URL(path, config.baseUrl), {
          headers: { authorization },
          signal: context.signal,
        });
      } catch (error) {
        if (context.signal.aborted) throw new CancelledError('The read was cancelled', { cause: error });
        throw new TransientError(`Cannot reach ${config.baseUrl}: check baseUrl and the network`, {
          cause: error,
        });
      }
      context.metrics.requests += 1;
      if (response.status === 401) {
        throw new AuthError(
          `${config.baseUrl} rejected user "${config.username}": check username and password`,
        );
      }
      if (response.status >= 500)
        throw new TransientError(`${path} answered ${response.status}; try again later`);
      if (!response.ok) throw new BadResponseError(`${path} answered ${response.status}`);
      return response.json();
    };
    return {
      async check() {
        const ping = (await get('/api/ping')) as { account: string; hosts: number };
        context.logger.debug('ping', { account: ping.account, authorization, password: config.password });
        return { ok: true, details: [`signed in as ${ping.account}`, `${ping.hosts} hosts visible`] };
      },
      async *read(request) {
        const stored = request.state?.nextPage;
        let page = !request.full && typeof stored === 'number' ? stored : 1;
        yield { stream: 'policies', position: 'policy list', policies: [policy], definitions: [definition] };
        while (true) {
          const body = (await get(`/api/hosts?page=${page}&size=${config.pageSize}`)) as {
            hosts: typeof sourceHosts;
            nextPage: number | null;
          };
          context.logger.info('hosts page', { page, count: body.hosts.length });
          const hosts: Host[] = body.hosts.map((host) => ({
            uid: host.id,
            sourceName,
            hostname: host.name,
            ipAddresses: [host.ip],
            publicIpAddresses: host.ip.startsWith('10.') ? [] : [host.ip],
            privateIpAddresses: host.ip.startsWith('10.') ? [host.ip] : [],
            dnsNames: [host.name],
            netbios: null,
            os: null,
            trackingMethod: null,
            network: config.network,
            networkId: null,
            sourceHostId: null,
            assetId: null,
            lastScanned: null,
            tags: ['kit'],
            raw: host,
          }));
          const violations: Violation[] = body.hosts.map((host) => ({
            uid: compositeId(host.id, 'p1', 'c1'),
            sourceName,
            hostUid: host.id,
            policyUid: 'p1',
            definitionUid: definition.uid,
            controlId: 'c1',
            technologyId: null,
            instance: null,
            status: host.passed ? 'passed' : 'failed',
            previousStatus: null,
            statusCategory: host.passed ? 'closed' : 'open',
            firstFailed: null,
            lastFailed: null,
            firstPassed: null,
            lastPassed: null,
            lastEvaluated: '2025-01-01T00:00:00.000Z',
            sourceLastModified: null,
            expectedValue: '14',
            actualValue: host.passed ? '16' : '8',
            evidence: null,
            causeOfFailure: null,
            exception: null,
            network: config.network,
            raw: {},
          }));
          const batch: RecordBatch = {
            stream: 'hosts',
            position: `hosts page ${page}`,
            hosts,
            violations,
            checkpoint: { nextPage: body.nextPage },
            progress: { stream: 'hosts', done: page, total: null, unit: 'pages' },
          };
          if (body.nextPage === null) batch.completedScopes = [{ policyUid: 'p1' }];
          yield batch;
          if (body.nextPage === null) return;
          page = body.nextPage;
        }
      },
      async close() {},
    };
  },
});

describeConnectorConformance<KitConfig>({
  definition: fakeConnector,
  setup: async () => {
    const source = await startFakeSource();
    const config: KitConfig = { baseUrl: source.url, username, password, pageSize: 2, network: null };
    return {
      config,
      teardown: () => stop(source.server),
      failures: {
        badCredentials: () => ({ ...config, password: 'not-the-password-0' }),
        unreachable: async () => {
          const closed = await listen(() => {});
          const port = (closed.address() as AddressInfo).port;
          await stop(closed);
          return { ...config, baseUrl: `http://127.0.0.1:${port}` };
        },
        interruptRead: () => {
          source.failPage = 2;
          return () => {
            source.failPage = null;
          };
        },
      },
    };
  },
  invalidConfigs: [
    {
      name: 'a missing password',
      config: { baseUrl: 'http://127.0.0.1:1', username: 'u' },
      expectPath: 'password',
    },
    {
      name: 'a base URL that is not a URL',
      config: { baseUrl: 'not a url', username: 'u', password: 'secret-1' },
      expectPath: 'baseUrl',
    },
    {
      name: 'a page size above 100',
      config: { baseUrl: 'http://127.0.0.1:1', username: 'u', password: 'secret-1', pageSize: 500 },
      expectPath: 'pageSize',
    },
    { name: 'a config that is not an object', config: 'source', expectPath: '' },
  ],
  secretValues: (config) => [config.password],
  openStore: () => SqliteStore.open(':memory:'),
});
