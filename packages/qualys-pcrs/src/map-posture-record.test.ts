import { hostSchema, violationDefinitionSchema, violationSchema } from '@posturesync/core';
import { describe, expect, it } from 'vitest';
import { emptyMappedRecords, PostureRecordMapper, parseCriticality } from './map-posture-record.ts';
import { parseJsonElement } from './posture-json-stream.ts';

// The real captured record from the wire spec (A.5), with nested objects filled in.
const sample = {
  id: 23006235045,
  instance: 'os',
  policyId: 2645301,
  policyTitle: 'CIS Benchmark for Microsoft Windows 11 Enterprise',
  netBios: 'IKGI-13P',
  controlId: 10091,
  controlStatement: "Status of the 'Prevent installation of devices' setting",
  rationale: 'Why it matters',
  remediation: 'Computer Configuration\\Policies\nSet it to Enabled',
  controlReference: '18.8.7.1.2',
  technologyId: 331,
  status: 'Failed',
  previousStatus: 'Passed',
  firstFailDate: '2023-05-17T08:41:36Z',
  lastFailDate: '2023-09-15T09:16:33Z',
  firstPassDate: '',
  lastPassDate: '',
  postureModifiedDate: '2023-05-17T08:41:36Z',
  lastEvaluatedDate: '2023-09-15T09:16:33Z',
  created: '2023-09-15T11:17:02Z',
  hostId: 609153601,
  ip: '192.168.0.14, 8.8.4.4',
  trackingMethod: 'AGENT',
  os: 'Windows 11 Pro 64 bit Edition Version 22H2',
  osCpe: 'cpe:/o:microsoft:windows_10:2009::x64:',
  domainName: 'ikgi-13p.corp',
  dns: 'ikgi-13p',
  qgHostid: 'ace882cd-6664-443a-b995-d13af6b1f699',
  networkId: 0,
  networkName: 'Global Default Network',
  complianceLastScanDate: '2023-09-15T09:08:00Z',
  customerUuid: 'a6df6808-8c45-eb8c-e040-10ac13041e17',
  customerId: '94271',
  assetId: 862583197,
  technology: { id: 331, name: 'Windows 11' },
  criticality: { label: 'SERIOUS', value: 3 },
  evidence: { expected: 'Enabled', actual: 'Disabled' },
  causeOfFailure: { unexpected: { values: ['Disabled'] } },
  currentDataSizeKB: '2.24',
  totalDataSizeKB: '7.23',
  currentBatch: 3,
  totalBatches: 3,
  CLOUD_RESOURCE_ID: null,
};

function mapOne(record: unknown, mapper = new PostureRecordMapper({ sourceName: 'QUALYS_PCRS' })) {
  const out = emptyMappedRecords();
  mapper.map(record, '999', out, () => 'postureInfo policy 999 hosts 1..1 of 1 record 1');
  return out;
}

describe('PostureRecordMapper', () => {
  it('issue 4: maps a posture record to a valid Host, ViolationDefinition and Violation', () => {
    const out = mapOne(sample);
    expect(out.rejects).toEqual([]);
    const [host] = out.hosts;
    const [definition] = out.definitions;
    const [violation] = out.violations;
    expect(hostSchema.parse(host)).toMatchObject({
      uid: '609153601',
      hostname: 'ikgi-13p',
      ipAddresses: ['192.168.0.14', '8.8.4.4'],
      publicIpAddresses: ['8.8.4.4'],
      privateIpAddresses: ['192.168.0.14'],
      dnsNames: ['ikgi-13p', 'ikgi-13p.corp'],
      netbios: 'IKGI-13P',
      trackingMethod: 'AGENT',
      network: 'Global Default Network',
      networkId: '0',
      sourceHostId: 'ace882cd-6664-443a-b995-d13af6b1f699',
      assetId: '862583197',
      lastScanned: '2023-09-15T09:08:00.000Z',
    });
    expect(host?.raw).toMatchObject({
      osCpe: sample.osCpe,
      customerUuid: sample.customerUuid,
      assetId: 862583197,
    });
    expect(violationDefinitionSchema.parse(definition)).toMatchObject({
      uid: '2645301:10091:331',
      policyUid: '2645301',
      controlId: '10091',
      technologyId: '331',
      technologyName: 'Windows 11',
      statement: sample.controlStatement,
      description: 'Why it matters',
      recommendation: sample.remediation,
      controlReference: '18.8.7.1.2',
      criticalityLabel: 'SERIOUS',
      criticalityValue: 3,
      severity: 'medium',
    });
    expect(definition?.raw).toMatchObject({ technology: sample.technology, criticality: sample.criticality });
    expect(violationSchema.parse(violation)).toMatchObject({
      uid: '23006235045',
      hostUid: '609153601',
      policyUid: '2645301',
      definitionUid: '2645301:10091:331',
      instance: 'os',
      status: 'failed',
      previousStatus: 'passed',
      statusCategory: 'open',
      firstFailed: '2023-05-17T08:41:36.000Z',
      firstPassed: null,
      lastPassed: null,
      lastEvaluated: '2023-09-15T09:16:33.000Z',
      sourceLastModified: '2023-05-17T08:41:36.000Z',
      evidence: sample.evidence,
      causeOfFailure: sample.causeOfFailure,
    });
    expect(violation?.raw).not.toHaveProperty('rationale');
    expect(violation?.raw).not.toHaveProperty('controlStatement');
    expect(violation?.raw).toMatchObject({ netBios: 'IKGI-13P' });
    expect(violation?.raw).not.toHaveProperty('osCpe');
  });

  it('issue 7: a violation raw keeps only what no column or host/definition row holds', () => {
    const out = mapOne({ ...sample, futureField: { kept: true } });
    const violation = out.violations[0];
    expect(violation?.raw).toEqual({
      netBios: 'IKGI-13P',
      status: 'Failed',
      previousStatus: 'Passed',
      created: '2023-09-15T11:17:02Z',
      futureField: { kept: true },
    });
    // Everything left out is stored elsewhere without loss.
    expect(violation).toMatchObject({
      uid: String(sample.id),
      hostUid: String(sample.hostId),
      policyUid: String(sample.policyId),
      controlId: String(sample.controlId),
      technologyId: String(sample.technologyId),
      instance: sample.instance,
      firstFailed: '2023-05-17T08:41:36.000Z',
      lastFailed: '2023-09-15T09:16:33.000Z',
      firstPassed: null,
      lastPassed: null,
      lastEvaluated: '2023-09-15T09:16:33.000Z',
      sourceLastModified: '2023-05-17T08:41:36.000Z',
    });
    expect(out.definitions[0]?.controlReference).toBe(sample.controlReference);
    expect(out.hosts[0]?.raw).toMatchObject({ cloudResourceId: null, hostId: sample.hostId });
  });

  it('emits each host and definition once per run', () => {
    const mapper = new PostureRecordMapper({ sourceName: 'QUALYS_PCRS' });
    const first = mapOne(sample, mapper);
    const second = mapOne({ ...sample, id: 2 }, mapper);
    const otherTechnology = mapOne({ ...sample, id: 3, technologyId: 332 }, mapper);
    expect([first.hosts.length, first.definitions.length]).toEqual([1, 1]);
    expect([second.hosts.length, second.definitions.length, second.violations.length]).toEqual([0, 0, 1]);
    expect([otherTechnology.hosts.length, otherTechnology.definitions.length]).toEqual([0, 1]);
  });

  it('issue 6: the same finding maps to the same raw whatever response slice it came in', () => {
    const inFullSync = mapOne(sample, new PostureRecordMapper({ sourceName: 'QUALYS_PCRS' }));
    const inIncrementalSync = mapOne(
      { ...sample, currentDataSizeKB: '0.80', totalDataSizeKB: '0.80', currentBatch: 1, totalBatches: 1 },
      new PostureRecordMapper({ sourceName: 'QUALYS_PCRS' }),
    );
    expect(inIncrementalSync.violations[0]?.raw).toEqual(inFullSync.violations[0]?.raw);
    for (const key of ['currentDataSizeKB', 'totalDataSizeKB', 'currentBatch', 'totalBatches']) {
      expect(inFullSync.violations[0]?.raw).not.toHaveProperty(key);
    }
  });

  it('issue 6: forget() lets a retried call emit the hosts and definitions of records it dropped', () => {
    const mapper = new PostureRecordMapper({ sourceName: 'QUALYS_PCRS' });
    const dropped = mapOne(sample, mapper);
    mapper.forget(dropped);
    const retried = mapOne(sample, mapper);
    expect([retried.hosts.length, retried.definitions.length, retried.violations.length]).toEqual([1, 1, 1]);
  });

  it('issue 4: keeps posture ids beyond 2^53 exact', () => {
    const text = JSON.stringify({ ...sample, id: 1 }).replace('"id":1,', '"id":90071992547409931,');
    const out = mapOne(parseJsonElement(text));
    expect(out.violations[0]?.uid).toBe('90071992547409931');
  });

  it('rejects records with missing ids or unparsable dates, naming the position', () => {
    const missing = mapOne({ ...sample, hostId: null });
    expect(missing.violations).toEqual([]);
    expect(missing.rejects[0]).toMatchObject({
      entity: 'violations',
      position: 'postureInfo policy 999 hosts 1..1 of 1 record 1',
      reason: 'missing hostId',
    });
    const badDate = mapOne({ ...sample, lastFailDate: 'yesterday' });
    expect(badDate.rejects[0]?.reason).toBe('unparsable date in lastFailDate: "yesterday"');
    expect(mapOne('nope').rejects[0]?.reason).toBe('record is not a JSON object');
  });

  it('uses the requested policy when a record lacks policyId and tolerates null netBios', () => {
    const out = mapOne({ ...sample, policyId: undefined, netBios: null, dns: '', domainName: '' });
    expect(out.violations[0]?.policyUid).toBe('999');
    expect(out.hosts[0]).toMatchObject({ hostname: null, netbios: null, dnsNames: [] });
  });
});

describe('parseCriticality', () => {
  it('reads label/value defensively', () => {
    expect(parseCriticality({ label: 'URGENT', value: 5 })).toEqual({ label: 'URGENT', value: 5 });
    expect(parseCriticality({ LABEL: 'CRITICAL', VALUE: '4' })).toEqual({ label: 'CRITICAL', value: 4 });
    expect(parseCriticality({ value: 9 })).toEqual({ label: null, value: null });
    expect(parseCriticality('URGENT')).toEqual({ label: 'URGENT', value: null });
    expect(parseCriticality({})).toEqual({ label: null, value: null });
    expect(parseCriticality(null)).toEqual({ label: null, value: null });
  });
});
