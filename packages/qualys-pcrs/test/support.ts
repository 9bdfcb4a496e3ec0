import { once } from 'node:events';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { ConnectorContext, ReadRequest, RecordBatch } from '@posturesync/core';
import { SecretRedactor } from '@posturesync/core';
import { captureLogger, createTestContext } from '@posturesync/core/testing';
import { type createEstate, startQualysSimulator } from '@posturesync/qualys-simulator';
import {
  type QualysPcrsConfig,
  type QualysPcrsConfigInput,
  qualysPcrsConfigSchema,
} from '../src/config-schema.ts';
import { qualysPcrsConnector } from '../src/connector.ts';

export type Simulator = Awaited<ReturnType<typeof startQualysSimulator>>;
export type Estate = ReturnType<typeof createEstate>;
export type SimulatorOptions = NonNullable<Parameters<typeof startQualysSimulator>[0]>;

export const credentials = { username: 'posturesync_demo', password: 'demo-password' };

/** A small estate: 30 hosts x 3 active policies (+1 inactive) x 8 controls. */
export const smallEstate = { seed: 7, hosts: 30, policies: 4, controlsPerPolicy: 8 };

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  return await startQualysSimulator({ estate: smallEstate, pcrsRateLimit: false, ...options });
}

export function configFor(url: string, overrides: Partial<QualysPcrsConfigInput> = {}): QualysPcrsConfig {
  return qualysPcrsConfigSchema.parse({
    gatewayUrl: url,
    ...credentials,
    rateLimit: false,
    maxRetries: 3,
    readTimeoutSeconds: 10,
    ...overrides,
  });
}

export interface ReadOutcome {
  batches: RecordBatch[];
  error: unknown;
  logs: string;
  context: ConnectorContext;
}

export function readRequest(overrides: Partial<ReadRequest> = {}): ReadRequest {
  return { state: null, full: false, force: false, runStartedAt: new Date().toISOString(), ...overrides };
}

/** Drives `read()` directly, collecting batches; a failure is returned, not thrown. */
export async function readAll(
  config: QualysPcrsConfig,
  request: ReadRequest = readRequest(),
  onBatch?: (batch: RecordBatch, index: number) => void | Promise<void>,
): Promise<ReadOutcome> {
  const redactor = new SecretRedactor();
  const captured = captureLogger({ redactor, level: 'debug' });
  const context = createTestContext({ logger: captured.logger, redactor });
  const connector = qualysPcrsConnector.create(config, context);
  const batches: RecordBatch[] = [];
  let error: unknown;
  try {
    for await (const batch of connector.read(request)) {
      batches.push(batch);
      await onBatch?.(batch, batches.length - 1);
    }
  } catch (caught) {
    error = caught;
  } finally {
    await connector.close();
  }
  return { batches, error, logs: captured.text(), context };
}

export function lastCheckpoint(batches: readonly RecordBatch[]): RecordBatch['checkpoint'] {
  return batches.findLast((batch) => batch.checkpoint !== undefined)?.checkpoint;
}

/** Distinct uids per entity across batches (upserts make repeats harmless; counts must match distinct rows). */
export function distinctRecords(batches: readonly RecordBatch[]) {
  const hosts = new Set<string>();
  const policies = new Set<string>();
  const definitions = new Set<string>();
  const violations = new Set<string>();
  for (const batch of batches) {
    for (const host of batch.hosts ?? []) hosts.add(host.uid);
    for (const policy of batch.policies ?? []) policies.add(policy.uid);
    for (const definition of batch.definitions ?? []) definitions.add(definition.uid);
    for (const violation of batch.violations ?? []) violations.add(violation.uid);
  }
  return { hosts, policies, definitions, violations };
}

/** What the estate itself says a full sync of these policies must produce. */
export function expectedFromEstate(estate: Estate, policyIds: readonly string[]) {
  const hosts = new Set<string>();
  const definitions = new Set<string>();
  const violations = new Set<string>();
  for (const policyId of policyIds) {
    for (const record of estate.postureRecords(policyId, estate.hostIdsForPolicy(policyId))) {
      hosts.add(String(record.hostId));
      definitions.add(`${record.policyId}:${record.controlId}:${record.technologyId}`);
      violations.add(String(record.id));
    }
  }
  return {
    hosts,
    definitions,
    violations,
    postureRecordCount: estate.postureRecordCount([...policyIds]),
  };
}

export function activePolicyIds(estate: Estate): string[] {
  return estate
    .policies()
    .filter((policy) => policy.status === 'active')
    .map((policy) => policy.id);
}

export interface RewritingProxy {
  url: string;
  close(): Promise<void>;
}

export interface ProxyRewrites {
  /** Replaces a 200 hostids answer (parsed JSON) with another status and body. */
  hostIds?: (body: unknown) => { status: number; body: unknown };
  /** Rewrites a 200 postureInfo body (gunzipped text); sent as plain JSON, or as 204 for null. */
  postureInfoText?: (text: string) => string | null;
}

/**
 * A loopback proxy in front of the simulator that passes every call through unchanged except
 * the answers it is told to rewrite, to model what the simulator has no fault for (a policy
 * deleted between the policy list and hostids, a 400, posture IDs beyond 2^53, plain bodies).
 */
export async function startRewritingProxy(
  upstream: string,
  rewrites: ProxyRewrites,
): Promise<RewritingProxy> {
  const target = new URL(upstream);
  const server = createServer((incoming, outgoing) => {
    const forward = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        const url = incoming.url ?? '';
        const hostIds = url.includes('/posture/hostids') ? rewrites.hostIds : undefined;
        const posture = url.includes('/posture/postureInfo') ? rewrites.postureInfoText : undefined;
        if ((!hostIds && !posture) || answer.statusCode !== 200) {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
          return;
        }
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const raw = Buffer.concat(chunks);
          const text = (raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw).toString('utf8');
          let status = 200;
          let body: string;
          if (hostIds) {
            const rewritten = hostIds(JSON.parse(text));
            status = rewritten.status;
            body = JSON.stringify(rewritten.body);
          } else {
            const rewritten = (posture as (text: string) => string | null)(text);
            if (rewritten === null) {
              outgoing.writeHead(204);
              outgoing.end();
              return;
            }
            body = rewritten;
          }
          outgoing.writeHead(status, {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          });
          outgoing.end(body);
        });
      },
    );
    forward.on('error', () => outgoing.destroy());
    incoming.pipe(forward);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
