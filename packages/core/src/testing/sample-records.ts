import type { Host, Policy, Violation, ViolationDefinition } from '../model/records.ts';
import { statusCategoryOf } from '../model/status.ts';

/** Small hand-made model records for store and engine tests. */

export function makeHost(uid: string, overrides: Partial<Host> = {}): Host {
  return {
    uid,
    sourceName: 'TEST',
    hostname: `host-${uid}.example.test`,
    ipAddresses: ['10.0.0.1'],
    publicIpAddresses: [],
    privateIpAddresses: ['10.0.0.1'],
    dnsNames: [`host-${uid}.example.test`],
    netbios: null,
    os: 'Linux',
    trackingMethod: 'IP',
    network: null,
    networkId: null,
    sourceHostId: uid,
    assetId: null,
    lastScanned: '2024-05-01T06:00:12.000Z',
    tags: [],
    raw: { hostId: uid },
    ...overrides,
  };
}

export function makePolicy(uid: string, overrides: Partial<Policy> = {}): Policy {
  return {
    uid,
    sourceName: 'TEST',
    title: `Policy ${uid}`,
    status: 'active',
    locked: false,
    createdBy: null,
    createdDate: '2023-01-01T00:00:00.000Z',
    modifiedDate: null,
    lastEvaluated: null,
    raw: { id: uid },
    ...overrides,
  };
}

export function makeDefinition(
  policyUid: string,
  controlId: string,
  overrides: Partial<ViolationDefinition> = {},
): ViolationDefinition {
  return {
    uid: `${policyUid}:${controlId}`,
    sourceName: 'TEST',
    policyUid,
    controlId,
    technologyId: null,
    technologyName: null,
    statement: `Control ${controlId}`,
    description: null,
    recommendation: null,
    controlReference: null,
    criticalityLabel: 'SERIOUS',
    criticalityValue: 3,
    severity: 'medium',
    deprecated: null,
    sourceCreated: null,
    sourceLastModified: null,
    raw: { controlId },
    ...overrides,
  };
}

export function makeViolation(
  hostUid: string,
  policyUid: string,
  controlId: string,
  status: Violation['status'],
  overrides: Partial<Violation> = {},
): Violation {
  return {
    uid: `${hostUid}:${policyUid}:${controlId}`,
    sourceName: 'TEST',
    hostUid,
    policyUid,
    definitionUid: `${policyUid}:${controlId}`,
    controlId,
    technologyId: null,
    instance: null,
    status,
    previousStatus: null,
    statusCategory: statusCategoryOf(status),
    firstFailed: status === 'failed' ? '2024-04-01T00:00:00.000Z' : null,
    lastFailed: status === 'failed' ? '2024-05-01T00:00:00.000Z' : null,
    firstPassed: status === 'passed' ? '2024-04-01T00:00:00.000Z' : null,
    lastPassed: status === 'passed' ? '2024-05-01T00:00:00.000Z' : null,
    lastEvaluated: '2024-05-01T06:00:12.000Z',
    sourceLastModified: null,
    expectedValue: null,
    actualValue: null,
    evidence: null,
    causeOfFailure: null,
    exception: null,
    network: null,
    raw: { id: `${hostUid}:${policyUid}:${controlId}` },
    ...overrides,
  };
}
