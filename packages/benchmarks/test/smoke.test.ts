import { describe, expect, it } from 'vitest';
import { runBenchmarks } from '../src/harness.ts';
import { posturesyncRequests } from '../src/request-model.ts';
import type { Scenario } from '../src/scenarios.ts';

// End to end on tiny estates: child processes, simulator, recording proxy, replay, floors.
// No timing assertions: only that every number the report needs is produced and consistent.
describe('benchmark harness smoke', () => {
  it('issue 7: runs PCRS, a rate-limited PCRS and a Policy Report scenario end to end', async () => {
    const scenarios: Scenario[] = [
      { kind: 'pcrs', name: 'pcrs-2k', records: 2000 },
      {
        kind: 'pcrs-rate-limit',
        name: 'pcrs-rate-limit',
        requests: 4,
        batchSize: 20,
        limit: { requests: 3, perSeconds: 1 },
      },
      { kind: 'report-csv', name: 'report-csv-1mb', megabytes: 1 },
    ];
    const results = await runBenchmarks({ scenarios, profile: 'smoke' });
    const [pcrs, limited, report] = results.scenarios;

    expect(pcrs?.records).toBeGreaterThan(1000);
    expect(pcrs?.replay?.counts.violations).toBe(pcrs?.live.counts.violations);
    expect(pcrs?.floor?.parsedItems).toBe(pcrs?.records);
    expect(pcrs?.floor?.rowsInserted).toBe(pcrs?.records);
    expect(pcrs?.floorRatio?.replay).toBeGreaterThan(0);
    expect(pcrs?.live.server.requests.postureInfo).toBeGreaterThan(0);
    // Replayed bodies never reach the simulator, but the proxy still counts them.
    expect(pcrs?.replay?.server.requests.postureInfo).toBe(pcrs?.live.server.requests.postureInfo);
    const efficiency = pcrs?.requestEfficiency;
    expect(efficiency?.posturesync).toBe(efficiency?.posturesyncModel);
    expect(efficiency?.qualysEtl).toBeGreaterThan(efficiency?.posturesync ?? 0);

    expect(limited?.rateLimit?.requests).toBeGreaterThanOrEqual(6);
    expect(limited?.rateLimit?.minimumMs).toBeGreaterThan(1000);
    expect(limited?.rateLimit?.totalMs).toBeGreaterThan(0);

    expect(report?.records).toBeGreaterThan(100);
    expect(report?.bulkBytes).toBeGreaterThan(500_000);
    expect(report?.floor?.parsedItems).toBeGreaterThan(report?.records ?? 0);

    expect(results.targets.map((target) => target.id)).toEqual([
      'pcrs-2k:floor-live',
      'pcrs-2k:floor-replay',
      'pcrs-rate-limit:pacing',
      'pcrs-rate-limit:no-429',
      'report-csv-1mb:floor-live',
      'report-csv-1mb:floor-replay',
      'memory',
      'report-memory',
    ]);
    expect(results.commit?.hash).toMatch(/^[0-9a-f]{40}$/);
    expect(posturesyncRequests([1]).total).toBe(3);
  }, 60_000);
});
