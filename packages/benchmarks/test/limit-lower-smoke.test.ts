import { describe, expect, it } from 'vitest';
import { runBenchmarks } from '../src/harness.ts';
import type { Scenario } from '../src/scenarios.ts';

// Tiny: a few windows of one second. No timing assertions, only that the numbers are produced.
describe('benchmark harness smoke: limit lower than configured', () => {
  it('issue 12: reports wall time against the server minimum and the 429s per window', async () => {
    const scenarios: Scenario[] = [
      {
        kind: 'pcrs-rate-limit',
        name: 'pcrs-limit-lower-than-configured',
        requests: 8,
        batchSize: 20,
        limit: { requests: 10, perSeconds: 1 },
        serverLimit: { requests: 3, perSeconds: 1 },
      },
    ];
    const results = await runBenchmarks({ scenarios, profile: 'smoke' });
    const rate = results.scenarios[0]?.rateLimit;
    expect(rate?.limit).toBe(3);
    expect(rate?.configuredLimit).toBe(10);
    expect(rate?.minimumMs).toBeGreaterThan(1000);
    expect(rate?.windows).toBeGreaterThanOrEqual(2);
    expect(results.scenarios[0]?.live.outcome).toBe('succeeded');
    expect(results.targets.map((target) => target.id)).toEqual([
      'pcrs-limit-lower-than-configured:pacing',
      'pcrs-limit-lower-than-configured:429-per-window',
      'memory',
      'report-memory',
    ]);
  }, 90_000);
});
