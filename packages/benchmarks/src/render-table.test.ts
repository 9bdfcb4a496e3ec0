import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, markdownTable, renderResultsMarkdown } from './render-table.ts';
import type { BenchResults, ScenarioResult, SyncMeasurement } from './result-types.ts';
import { evaluateTargets } from './targets.ts';

function run(overrides: Partial<SyncMeasurement> = {}): SyncMeasurement {
  return {
    wallMs: 20_000,
    cpuMs: 18_000,
    peakRssBytes: 200 * 2 ** 20,
    baselineRssBytes: 90 * 2 ** 20,
    outcome: 'succeeded',
    counts: { hosts: 100, policies: 5, definitions: 150, violations: 1_000_000 },
    recordsPerSecond: 50_000,
    requests: 42,
    retries: 0,
    rateLimitWaits: 0,
    rateLimitWaitMs: 0,
    bytesReceived: 1,
    warningCount: 0,
    storedViolations: 1_000_000,
    warnings: [],
    server: { requests: { postureInfo: 40 }, total: 43, rateLimited429: 0, conflicts409: 0, cpuMs: 1 },
    ...overrides,
  };
}

const scenario: ScenarioResult = {
  name: 'pcrs-1m',
  kind: 'pcrs',
  description: 'test',
  estate: { seed: 1, hosts: 100, policies: 6, controlsPerPolicy: 30 },
  records: 1_000_000,
  bulkBytes: 40 * 2 ** 20,
  live: run({ wallMs: 40_000, recordsPerSecond: 25_000 }),
  replay: run(),
  floor: {
    decodeParseMs: 6000,
    insertMs: 6000,
    floorMs: 12_000,
    decodeParseCpuMs: 5000,
    insertCpuMs: 5000,
    parsedItems: 1_000_000,
    rowsInserted: 1_000_000,
    bytes: 1,
    rowBytes: 900,
    method: 'test',
  },
  floorRatio: { live: 0.3, replay: 0.6, cpu: 0.66 },
  requestEfficiency: {
    hostPolicyPairs: 40_000,
    policies: 5,
    posturesync: 42,
    posturesyncPerTenThousandPairs: 10.5,
    posturesyncModel: 42,
    qualysEtl: 166,
    qualysEtlPerTenThousandPairs: 41.5,
  },
};

describe('rendering', () => {
  it('formats counts and sizes compactly', () => {
    expect(formatCount(999)).toBe('999');
    expect(formatCount(100_000)).toBe('100k');
    expect(formatCount(1_234_567)).toBe('1.23M');
    expect(formatBytes(3 * 2 ** 20)).toBe('3 MiB');
    expect(formatBytes(1.5 * 2 ** 30)).toBe('1.50 GiB');
  });

  it('pads a Markdown table so every row has the header width', () => {
    const table = markdownTable(['a', 'long header'], [['value', 'x']]);
    const lines = table.split('\n');
    expect(lines).toEqual(['| a     | long header |', '| ----- | ----------- |', '| value | x           |']);
  });

  it('issue 7: renders the scenario, request-efficiency and target tables with PASS/MISS', () => {
    const partial = { scenarios: [scenario], memory: null, reportMemory: null };
    const results: BenchResults = {
      generatedAt: '2026-01-01T00:00:00.000Z',
      commit: { hash: '0123456789abcdef0123456789abcdef01234567', dirty: false },
      profile: 'quick',
      durationMs: 1000,
      machine: {
        cpuModel: 'Test CPU',
        cpuCount: 2,
        totalMemoryBytes: 8 * 2 ** 30,
        nodeVersion: '24.9.0',
        platform: 'linux',
        arch: 'x64',
        osRelease: '6',
        loadAverage: [1, 1, 1],
      },
      ...partial,
      targets: evaluateTargets(partial),
    };
    const markdown = renderResultsMarkdown(results);
    expect(markdown).toContain('2 x Test CPU');
    expect(markdown).toMatch(
      /\| pcrs-1m +\| 1\.00M +\| 40 MiB +\| 25k +\| 50k +\| 83k +\| 30% +\| 60% +\| 66% /,
    );
    expect(markdown).toMatch(/\| pcrs-1m +\| 40k +\| 42 +\| 10\.5 +\| 166 +\| 41\.5 +\|/);
    expect(markdown).toContain('commit 0123456789abcdef0123456789abcdef01234567');
    expect(markdown).toMatch(/live simulator +\| >= 50% +\| 30% +\| MISS/);
    // Issue 18: the replayed PCRS sync is held to 65% of the single-thread floor.
    expect(markdown).toMatch(/replayed responses.*\| >= 65% +\| 60% +\| MISS/);
    expect(markdown).toMatch(/Peak RSS.*\| n\/a/);
  });
});
