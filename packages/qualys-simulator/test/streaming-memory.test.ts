import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createEstate, generatePolicyReportCsv, resolveReportSpec } from '../src/index.ts';
import { login, postureInfo, resolveHostIds, withSimulator } from './helpers.ts';

function heapUsed(): number {
  return process.memoryUsage().heapUsed;
}

describe('flat-memory streaming', () => {
  it('issue 3: iterating 200k posture records keeps the heap flat (records are generated, never stored)', () => {
    const estate = createEstate({ seed: 1, hosts: 4000, policies: 4, controlsPerPolicy: 25 });
    const baseline = heapUsed();
    let peak = baseline;
    let count = 0;
    let checksum = 0;
    outer: for (const policy of estate.policies()) {
      for (const record of estate.postureRecords(policy.id, estate.hostIdsForPolicy(policy.id), {
        evidence: true,
      })) {
        count++;
        checksum += record.controlId;
        if (count % 10_000 === 0) peak = Math.max(peak, heapUsed());
        if (count >= 200_000) break outer;
      }
    }
    expect(count).toBe(200_000);
    expect(checksum).toBeGreaterThan(0);
    // Holding 200k records would need several hundred MB; the generator's garbage is reclaimed as it goes.
    expect(peak - baseline).toBeLessThan(120 * 1024 * 1024);
  });

  it('issue 3: a Policy Report CSV streams in chunks without holding the report', async () => {
    const estate = createEstate({ seed: 2, hosts: 1500, policies: 1, controlsPerPolicy: 20 });
    const report = resolveReportSpec({ title: 'big', format: 'csv' }, estate, 1);
    const baseline = heapUsed();
    let peak = baseline;
    let bytes = 0;
    let chunks = 0;
    for await (const chunk of generatePolicyReportCsv(estate, report)) {
      bytes += chunk.length;
      chunks++;
      expect(chunk.length).toBeLessThan(200_000);
      if (chunks % 10 === 0) peak = Math.max(peak, heapUsed());
    }
    expect(bytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(chunks).toBeGreaterThan(100);
    expect(peak - baseline).toBeLessThan(100 * 1024 * 1024);
  });

  it('streams a large postureInfo response through the loopback server', async () => {
    await withSimulator(
      { estate: { hosts: 3000, policies: 1, controlsPerPolicy: 10 }, pcrsRateLimit: false },
      async (sim) => {
        const token = await login(sim.url);
        const policyId = sim.state.estate.policies()[0]!.id;
        const body = await resolveHostIds(sim.url, token, [policyId]);
        const response = await postureInfo(sim.url, token, body);
        const records = JSON.parse(gunzipSync(response.bytes).toString()) as unknown[];
        expect(records.length).toBe(sim.state.estate.postureRecordCount([policyId]));
        expect(records.length).toBeGreaterThan(10_000);
        expect(sim.state.stats.postureRecordsServed).toBe(records.length);
      },
    );
  });
});
