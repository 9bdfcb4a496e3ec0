import type { Host, Policy, Violation, ViolationDefinition } from '@posturesync/core';

/** A small estate for store tests: `hosts` hosts x `policies` policies x `controls` controls. */
export interface EstateOptions {
  hosts: number;
  policies: number;
  controls: number;
  /** Status of a finding, by its indexes; default: every third fails. */
  status?: (host: number, policy: number, control: number) => Violation['status'];
}

const at = '2024-05-01T06:00:12.000Z';

export function host(index: number, tags: string[] = [`tag-${index % 3}`]): Host {
  return {
    uid: `h${index}`,
    sourceName: 'TEST',
    hostname: `host-${index}.example.test`,
    ipAddresses: [`10.0.0.${index}`],
    publicIpAddresses: [],
    privateIpAddresses: [`10.0.0.${index}`],
    dnsNames: [`host-${index}.example.test`],
    netbios: null,
    os: index % 2 === 0 ? 'Linux' : 'Windows "Server", 2019',
    trackingMethod: 'IP',
    network: null,
    networkId: null,
    sourceHostId: String(9_007_199_254_740_993n + BigInt(index)),
    assetId: null,
    lastScanned: at,
    tags,
    raw: { hostId: index, note: 'comma, quote " and\nnewline' },
  };
}

export function policy(index: number): Policy {
  return {
    uid: `p${index}`,
    sourceName: 'TEST',
    title: `Policy ${index}`,
    status: 'active',
    locked: index % 2 === 0,
    createdBy: null,
    createdDate: '2023-01-01T00:00:00.000Z',
    modifiedDate: null,
    lastEvaluated: null,
    raw: { id: index },
  };
}

export function definition(policyIndex: number, control: number): ViolationDefinition {
  return {
    uid: `p${policyIndex}:c${control}`,
    sourceName: 'TEST',
    policyUid: `p${policyIndex}`,
    controlId: `c${control}`,
    technologyId: null,
    technologyName: null,
    statement: `Control ${control}`,
    description: '',
    recommendation: null,
    controlReference: null,
    criticalityLabel: 'SERIOUS',
    criticalityValue: 3,
    severity: (['critical', 'high', 'medium', 'low'] as const)[control % 4] ?? 'medium',
    deprecated: null,
    sourceCreated: null,
    sourceLastModified: null,
    raw: { control },
  };
}

export function violation(
  hostIndex: number,
  policyIndex: number,
  control: number,
  status: Violation['status'],
): Violation {
  const uid = `h${hostIndex}:p${policyIndex}:c${control}`;
  return {
    uid,
    sourceName: 'TEST',
    hostUid: `h${hostIndex}`,
    policyUid: `p${policyIndex}`,
    definitionUid: `p${policyIndex}:c${control}`,
    controlId: `c${control}`,
    technologyId: null,
    instance: null,
    status,
    previousStatus: null,
    statusCategory: status === 'passed' ? 'closed' : 'open',
    firstFailed: status === 'failed' ? '2024-04-01T00:00:00.000Z' : null,
    lastFailed: status === 'failed' ? '2024-05-01T00:00:00.000Z' : null,
    firstPassed: status === 'passed' ? '2024-04-01T00:00:00.000Z' : null,
    lastPassed: status === 'passed' ? '2024-05-01T00:00:00.000Z' : null,
    lastEvaluated: at,
    sourceLastModified: control % 2 === 0 ? '2024-04-30T00:00:00.000Z' : null,
    expectedValue: 'x',
    actualValue: status === 'failed' ? 'y' : 'x',
    evidence: status === 'failed' ? { values: ['a', 'b'] } : null,
    causeOfFailure: null,
    exception: null,
    network: null,
    raw: { id: uid },
  };
}

export function estate(options: EstateOptions) {
  const status = options.status ?? ((h, p, c) => ((h + p + c) % 3 === 0 ? 'failed' : 'passed'));
  const hosts: Host[] = [];
  const policies: Policy[] = [];
  const definitions: ViolationDefinition[] = [];
  const violations: Violation[] = [];
  for (let p = 1; p <= options.policies; p++) {
    policies.push(policy(p));
    for (let c = 1; c <= options.controls; c++) definitions.push(definition(p, c));
  }
  for (let h = 1; h <= options.hosts; h++) {
    hosts.push(host(h));
    for (let p = 1; p <= options.policies; p++) {
      for (let c = 1; c <= options.controls; c++) violations.push(violation(h, p, c, status(h, p, c)));
    }
  }
  return { hosts, policies, definitions, violations };
}
