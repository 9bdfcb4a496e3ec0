import {
  AuthError,
  type ConnectorDefinition,
  defineConnector,
  type Host,
  type Policy,
  type RecordBatch,
  TransientError,
  type Violation,
  type ViolationDefinition,
} from '@posturesync/core';
import { z } from 'zod';

/**
 * A small in-test connector: enough schema to exercise config validation, and a read()
 * that yields real records so sync, status and history run against a real store.
 */
export const fakeConfigSchema = z.object({
  url: z.url(),
  username: z.string().min(1),
  password: z.string().min(1).describe('Secret: read from FAKE_PASSWORD.'),
  batchSize: z.number().int().min(1).max(5000).default(100),
  // duplicates: a host and a finding delivered twice; hang: waits after the first batch until cancelled.
  mode: z.enum(['ok', 'reject', 'fail', 'auth', 'hostile', 'duplicates', 'hang']).default('ok'),
  policyIds: z.object({ include: z.array(z.string()).default([]) }).default({ include: [] }),
  tlsVerify: z.boolean().default(true),
});
export type FakeConfig = z.output<typeof fakeConfigSchema>;

const source = 'FAKE';

/** Issue 13: what a hostile server may put in a title: OSC (title change), BEL, CSI, NUL, C1, RLO. */
export const hostileText = 'Evil\x1b]0;pwned\x07 \x1b[2J\x00\x9b\u202eTitle';
const nowIso = '2024-05-01T06:00:00.000Z';

function host(uid: string): Host {
  return {
    uid,
    sourceName: source,
    hostname: `host-${uid}.example.test`,
    ipAddresses: ['10.0.0.1'],
    publicIpAddresses: [],
    privateIpAddresses: ['10.0.0.1'],
    dnsNames: [],
    netbios: null,
    os: 'Linux',
    trackingMethod: 'AGENT',
    network: null,
    networkId: null,
    sourceHostId: uid,
    assetId: null,
    lastScanned: nowIso,
    tags: [],
    raw: {},
  };
}

const policy: Policy = {
  uid: '900',
  sourceName: source,
  title: 'Fake Linux Baseline',
  status: 'active',
  locked: false,
  createdBy: null,
  createdDate: null,
  modifiedDate: null,
  lastEvaluated: nowIso,
  raw: {},
};

const definition: ViolationDefinition = {
  uid: '900:1001',
  sourceName: source,
  policyUid: '900',
  controlId: '1001',
  technologyId: null,
  technologyName: null,
  statement: 'Password minimum length is at least 14',
  description: null,
  recommendation: null,
  controlReference: null,
  criticalityLabel: 'URGENT',
  criticalityValue: 5,
  severity: 'critical',
  deprecated: null,
  sourceCreated: null,
  sourceLastModified: null,
  raw: {},
};

function violation(hostUid: string, status: 'passed' | 'failed'): Violation {
  return {
    uid: `v-${hostUid}`,
    sourceName: source,
    hostUid,
    policyUid: '900',
    definitionUid: definition.uid,
    controlId: '1001',
    technologyId: null,
    instance: null,
    status,
    previousStatus: null,
    statusCategory: status === 'failed' ? 'open' : 'closed',
    firstFailed: null,
    lastFailed: null,
    firstPassed: null,
    lastPassed: null,
    lastEvaluated: nowIso,
    sourceLastModified: null,
    expectedValue: null,
    actualValue: null,
    evidence: null,
    causeOfFailure: null,
    exception: null,
    network: null,
    raw: {},
  };
}

export const fakeConnector: ConnectorDefinition<FakeConfig> = defineConnector<FakeConfig>({
  id: 'fake',
  displayName: 'Fake',
  description: 'Test connector',
  sourceName: source,
  configSchema: fakeConfigSchema,
  secrets: [{ key: 'password', env: 'FAKE_PASSWORD', description: 'Password of the fake source' }],
  create(config, context) {
    return {
      async check() {
        if (config.mode === 'auth')
          throw new AuthError(
            `the fake source rejected user ${config.username} with password ${config.password}`,
          );
        if (config.mode === 'hostile') throw new TransientError(`the source said: ${hostileText}`);
        return { ok: true, details: [`user ${config.username} accepted`, '1 policy visible'] };
      },
      async *read(): AsyncIterable<RecordBatch> {
        context.logger.info('fake read starts', { password: config.password });
        if (config.mode === 'auth') throw new AuthError('the fake source rejected the credentials');
        yield {
          stream: 'policies',
          position: 'policies',
          policies: [config.mode === 'hostile' ? { ...policy, title: hostileText } : policy],
          definitions: [config.mode === 'hostile' ? { ...definition, statement: hostileText } : definition],
          progress: { stream: 'policies', done: 1, total: 1, unit: 'policies' },
        };
        if (config.mode === 'fail')
          throw new TransientError(`the fake source kept failing (password ${config.password})`);
        if (config.mode === 'hang') {
          context.onThrottleWait?.({
            service: 'Fake',
            label: 'results page 1',
            status: 429,
            limit: 'rate',
            waitMs: 30_000,
            until: new Date(Date.now() + 30_000),
          });
          await new Promise((_resolve, reject) => {
            if (context.signal.aborted) reject(context.signal.reason);
            context.signal.addEventListener('abort', () => reject(context.signal.reason), { once: true });
          });
        }
        if (config.mode === 'duplicates')
          yield {
            stream: 'results',
            position: 'results page 0',
            hosts: [host('1')],
            violations: [violation('1', 'failed')],
            progress: { stream: 'results', done: 1, total: 2, unit: 'hosts' },
          };
        yield {
          stream: 'results',
          position: 'results page 1',
          hosts: [host('1'), host('2')],
          violations: [violation('1', 'failed'), violation('2', 'passed')],
          ...(config.mode === 'reject'
            ? {
                rejects: [
                  {
                    entity: 'violations' as const,
                    position: 'results page 1 record 3',
                    reason: 'bad date',
                    raw: {},
                  },
                ],
              }
            : {}),
          completedScopes: [{ policyUid: '900' }],
          checkpoint: { done: true },
          progress: { stream: 'results', done: 2, total: 2, unit: 'hosts' },
        };
      },
      async close() {},
    };
  },
});

export const fakeRegistry: ReadonlyMap<string, ConnectorDefinition<unknown>> = new Map([
  ['fake', fakeConnector as ConnectorDefinition<unknown>],
]);
