import { describe, expect, it } from 'vitest';
import {
  extractReadmeBlock,
  readmeBlockEnd,
  readmeBlockStart,
  renderReadmeBlock,
  replaceReadmeBlock,
} from './readme-table.ts';
import type { BenchResults, ScenarioResult, SyncMeasurement } from './result-types.ts';
import { evaluateTargets } from './targets.ts';

function run(wallMs: number, peakMiB: number): SyncMeasurement {
  return {
    wallMs,
    cpuMs: wallMs,
    peakRssBytes: peakMiB * 2 ** 20,
    baselineRssBytes: 0,
    outcome: 'succeeded',
    counts: { hosts: 1, policies: 1, definitions: 1, violations: 100_000 },
    recordsPerSecond: 100_000_000 / wallMs,
    requests: 1,
    retries: 0,
    rateLimitWaits: 0,
    rateLimitWaitMs: 0,
    bytesReceived: 1,
    warningCount: 0,
    storedViolations: 100_000,
    warnings: [],
    server: { requests: {}, total: 1, rateLimited429: 0, conflicts409: 0, cpuMs: 0 },
  };
}

function scenario(name: string, kind: ScenarioResult['kind'], replayRatio: number, peakMiB: number) {
  const floorMs = 1000;
  const result: ScenarioResult = {
    name,
    kind,
    description: name,
    estate: { seed: 7, hosts: 1, policies: 1, controlsPerPolicy: 1 },
    records: 100_000,
    bulkBytes: 1,
    live: run(floorMs / 0.5, peakMiB),
    replay: run(floorMs / replayRatio, peakMiB),
    floor: {
      decodeParseMs: 500,
      insertMs: 500,
      floorMs,
      decodeParseCpuMs: 500,
      insertCpuMs: 500,
      parsedItems: 1,
      rowsInserted: 1,
      bytes: 1,
      rowBytes: 1,
      method: 'test',
    },
    floorRatio: { live: 0.5, replay: replayRatio, cpu: replayRatio },
  };
  return result;
}

function results(scenarios: ScenarioResult[], reportMemory: BenchResults['reportMemory']): BenchResults {
  const partial = { scenarios, memory: null, reportMemory };
  return {
    generatedAt: '2026-12-02T01:00:00.000Z',
    commit: { hash: 'abcdef0123456789abcdef0123456789abcdef01', dirty: true },
    profile: 'quick',
    durationMs: 1,
    machine: {
      cpuModel: 'Test CPU',
      cpuCount: 2,
      totalMemoryBytes: 2 ** 30,
      nodeVersion: '24.9.0',
      platform: 'linux',
      arch: 'x64',
      osRelease: '6.18',
      loadAverage: [1.25, 2, 3],
    },
    ...partial,
    targets: evaluateTargets(partial),
  };
}

describe('README benchmark block', () => {
  const sample = results(
    [
      scenario('pcrs-100k', 'pcrs', 0.7, 200),
      scenario('report-xml-40mb', 'report-xml', 0.6, 250),
      scenario('report-csv-40mb', 'report-csv', 0.91, 240),
    ],
    [
      {
        small: 'report-xml-100mb',
        large: 'report-xml-1gb',
        smallPeakRssBytes: 200 * 2 ** 20,
        largePeakRssBytes: 320 * 2 ** 20,
        ratio: 1.6,
      },
    ],
  );

  it('issue 18: names the commit, date, machine and load at start of the run it was rendered from', () => {
    const block = renderReadmeBlock(sample);
    expect(block.startsWith(readmeBlockStart)).toBe(true);
    expect(block.endsWith(readmeBlockEnd)).toBe(true);
    expect(block).toContain('commit `abcdef0123` plus uncommitted changes on 2026-12-02T01:00:00.000Z');
    expect(block).toContain('2 x Test CPU, Node 24.9.0');
    expect(block).toContain('load average at start 1.25 / 2.00 / 3.00');
    expect(block).toMatch(/\| pcrs-100k +\| 100k +\| 70k +\| 100k +\| 70% +\| 70% +\| 200 +\|/);
  });

  it('issue 18: holds PCRS and XML to 65% of the floor, CSV to 90%, report memory to 1.5x', () => {
    const block = renderReadmeBlock(sample);
    expect(block).toMatch(/PCRS pcrs-100k .*replayed.*\| >= 65% +\| 70% +\| PASS/);
    expect(block).toMatch(/Report XML report-xml-40mb .*replayed.*\| >= 65% +\| 60% +\| MISS/);
    expect(block).toMatch(/Report CSV report-csv-40mb .*replayed.*\| >= 90% +\| 91% +\| PASS/);
    expect(block).toMatch(
      /report-xml-1gb vs report-xml-100mb.*\| <= 1.5x +\| 1.60x \(320 MiB vs 200 MiB\) +\| MISS/,
    );
  });

  it('is copied from results.md into the README between the markers, leaving the rest alone', () => {
    const block = renderReadmeBlock(sample);
    const resultsMarkdown = `# results\n\nother tables\n\n${block}\n\nprofiles\n`;
    expect(extractReadmeBlock(resultsMarkdown)).toBe(block);
    const readme = `intro\n\n${readmeBlockStart}\nold figures\n${readmeBlockEnd}\n\nafter\n`;
    expect(replaceReadmeBlock(readme, block)).toBe(`intro\n\n${block}\n\nafter\n`);
    expect(extractReadmeBlock('no block here')).toBeNull();
    expect(() => replaceReadmeBlock('no markers', block)).toThrow(/has no benchmark block/);
  });
});
