import { describe, expect, it } from 'vitest';
import { createEstate } from './create-estate.ts';

function allRecords(seed: number, evidence = true) {
  const estate = createEstate({ seed, hosts: 30, policies: 4, controlsPerPolicy: 8 });
  return estate
    .policies()
    .flatMap((policy) => [
      ...estate.postureRecords(policy.id, estate.hostIdsForPolicy(policy.id), { evidence }),
    ]);
}

describe('createEstate', () => {
  it('issue 3: the same seed gives identical data and another seed different data', () => {
    const first = JSON.stringify(allRecords(7));
    expect(JSON.stringify(allRecords(7))).toBe(first);
    expect(JSON.stringify(allRecords(8))).not.toBe(first);
  });

  it('generates any host on its own, identical to the iterated one', () => {
    const estate = createEstate({ seed: 3, hosts: 50 });
    const hosts = [...estate.hosts()];
    expect(hosts).toHaveLength(50);
    const host = hosts[37]!;
    expect(estate.host(host.hostId)).toEqual(host);
    expect(estate.host('123')).toBeUndefined();
    expect(new Set(hosts.map((candidate) => candidate.hostId)).size).toBe(50);
    expect(new Set(hosts.map((candidate) => candidate.ip)).size).toBe(50);
  });

  it('issue 3: models a realistic estate (IDs above 2^31, null NetBIOS, public and private IPs, inactive policy)', () => {
    const estate = createEstate({ seed: 1, hosts: 200, policies: 3, controlsPerPolicy: 10 });
    const hosts = [...estate.hosts()];
    expect(hosts.some((host) => host.netBios === null)).toBe(true);
    expect(hosts.some((host) => host.netBios !== null)).toBe(true);
    expect(hosts.some((host) => host.ip.startsWith('10.'))).toBe(true);
    expect(hosts.some((host) => host.isPublicIp && !host.ip.startsWith('10.'))).toBe(true);
    expect(new Set(hosts.map((host) => host.networkId)).size).toBeGreaterThan(1);
    expect(hosts.every((host) => host.tags.length >= 2)).toBe(true);
    expect(new Set(hosts.map((host) => host.osFamily))).toEqual(new Set(['windows', 'linux']));
    const policies = estate.policies();
    expect(policies.map((policy) => policy.status)).toContain('inactive');
    expect(policies.every((policy) => /^\d{7}$/.test(policy.id))).toBe(true);
    const memberships = hosts.map(
      (host) => policies.filter((policy) => estate.isHostInPolicy(policy.id, host.hostId)).length,
    );
    expect(memberships.some((count) => count >= 2)).toBe(true);

    const records = policies.flatMap((policy) => [
      ...estate.postureRecords(policy.id, estate.hostIdsForPolicy(policy.id), { evidence: true }),
    ]);
    expect(records.length).toBe(estate.postureRecordCount());
    expect(records.every((record) => record.id > 2 ** 31 && Number.isSafeInteger(record.id))).toBe(true);
    expect(new Set(records.map((record) => record.id)).size).toBe(records.length);
    const counts = { Passed: 0, Failed: 0, Error: 0 };
    for (const record of records) counts[record.status]++;
    expect(counts.Passed / records.length).toBeGreaterThan(0.6);
    expect(counts.Failed / records.length).toBeGreaterThan(0.18);
    expect(counts.Error).toBeGreaterThan(0);
    expect(records.some((record) => record.instance !== 'os')).toBe(true);
    expect(records.some((record) => record.firstFailDate === '')).toBe(true);
    expect(new Set(records.map((record) => record.criticality.value)).size).toBeGreaterThanOrEqual(4);
    for (const record of records) {
      if (record.status === 'Failed') {
        expect(record.lastFailDate).toBe(record.lastEvaluatedDate);
        expect(record.causeOfFailure).toHaveProperty('missing');
      }
      if (record.status === 'Passed') expect(record.lastPassDate).toBe(record.lastEvaluatedDate);
      expect(record.remediation).toContain('\n');
    }
  });

  it('issue 3: rescan moves the scan date and flips some statuses deterministically', () => {
    const make = () => createEstate({ seed: 5, hosts: 40, policies: 2, controlsPerPolicy: 10 });
    const before = make();
    const after = make();
    const again = make();
    const policy = before.policies()[0]!;
    const hostIds = before.hostIdsForPolicy(policy.id);
    const at = new Date('2024-05-02T10:00:00Z');
    after.rescan(hostIds.slice(0, 5), at);
    again.rescan(hostIds.slice(0, 5), at);
    expect(after.host(hostIds[0]!)?.complianceLastScanDate).toBe('2024-05-02T10:00:00Z');
    expect(after.host(hostIds[6]!)?.complianceLastScanDate).toBe(
      before.host(hostIds[6]!)?.complianceLastScanDate,
    );
    expect(after.hostIdsForPolicy(policy.id, { lastScanDate: at })).toEqual(hostIds.slice(0, 5));
    const statuses = (estate: ReturnType<typeof make>) =>
      [...estate.postureRecords(policy.id, hostIds.slice(0, 5))].map((record) => record.status);
    expect(statuses(after)).not.toEqual(statuses(before));
    expect(statuses(after)).toEqual(statuses(again));
    expect(Date.parse(after.policy(policy.id)!.lastEvaluatedDate)).toBeGreaterThan(at.getTime());
  });

  it('issue 14: flipResults flips a seeded share of all results between two syncs', () => {
    const make = () =>
      createEstate({ seed: 5, hosts: 60, policies: 2, controlsPerPolicy: 10, flipRatio: 0.25 });
    const statuses = (estate: ReturnType<typeof make>) =>
      new Map(
        estate
          .policies()
          .flatMap((policy) => [...estate.postureRecords(policy.id, estate.hostIdsForPolicy(policy.id))])
          .map((record) => [record.id, record] as const),
      );
    const before = statuses(make());
    const flipped = make();
    const again = make();
    const at = new Date('2024-05-03T08:00:00Z');
    flipped.flipResults(at);
    again.flipResults(at);
    const after = statuses(flipped);
    expect([...after.keys()]).toEqual([...before.keys()]);
    const changed = [...after.values()].filter((record) => record.status !== before.get(record.id)?.status);
    const share = changed.length / after.size;
    expect(share).toBeGreaterThan(0.15);
    expect(share).toBeLessThan(0.35);
    for (const record of changed) {
      // A flipped result says when it changed and what it was before, as a real rescan would.
      expect(record.previousStatus).toBe(before.get(record.id)?.status);
      expect(Date.parse(record.postureModifiedDate)).toBeGreaterThan(at.getTime());
    }
    // Every host was rescanned, so an incremental sync (lastScanDate filter) sees every change.
    for (const host of flipped.hosts()) expect(host.complianceLastScanDate).toBe('2024-05-03T08:00:00Z');
    expect([...statuses(again).values()].map((record) => record.status)).toEqual(
      [...after.values()].map((record) => record.status),
    );
    const none = createEstate({ seed: 5, hosts: 60, policies: 2, controlsPerPolicy: 10, flipRatio: 0 });
    none.flipResults(at);
    expect([...statuses(none).values()].map((record) => record.status)).toEqual(
      [...before.values()].map((record) => record.status),
    );
  });

  it('rejects nonsense options with a ConfigError', () => {
    expect(() => createEstate({ flipRatio: 1.5 })).toThrow(/flipRatio/);
    expect(() => createEstate({ hosts: -1 })).toThrow(/hosts/);
    expect(() => createEstate({ referenceDate: 'yesterday' })).toThrow(/referenceDate/);
  });
});
