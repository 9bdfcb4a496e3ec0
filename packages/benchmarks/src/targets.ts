import type { BenchResults, ScenarioResult, TargetResult } from './result-types.ts';

/** The targets of issues 7, 12 and 18. */
export const targetValues = {
  /** Issue 7: end to end against the live simulator (bound partly by the simulator on 2 cores). */
  floorRatio: 0.5,
  /**
   * Issue 18: the replayed sync (the sync's own speed, using both cores) against the
   * single-thread floor, per kind of scenario.
   */
  replayFloorRatio: { pcrs: 0.65, 'report-xml': 0.65, 'report-csv': 0.9 },
  rateLimitRatio: 1.1,
  /** Server limit lower than configured (issue 12): time vs the server's own minimum. */
  lowerLimitRatio: 1.25,
  /** PCRS peak RSS, largest vs smallest estate (issue 7: 1M and 5M vs 100k). */
  memoryRatio: 1.3,
  /** Report peak RSS, largest vs smallest report of one format (issue 18: 1 GB vs 100 MB). */
  reportMemoryRatio: 1.5,
  /** Issue 17: PostgreSQL's findings per second at least SQLite's / 1.5. */
  postgresThroughputRatio: 1 / 1.5,
} as const;

const percent = (value: number) => `${(value * 100).toFixed(0)}%`;

function floorTargets(scenario: ScenarioResult): TargetResult[] {
  if (!scenario.floorRatio) return [];
  const what =
    scenario.kind === 'pcrs' ? 'PCRS' : scenario.kind === 'report-xml' ? 'Report XML' : 'Report CSV';
  const rows: TargetResult[] = [
    {
      id: `${scenario.name}:floor-live`,
      description: `${what} ${scenario.name} end to end vs floor, live simulator`,
      target: `>= ${percent(targetValues.floorRatio)}`,
      measured: percent(scenario.floorRatio.live),
      pass: scenario.floorRatio.live >= targetValues.floorRatio,
    },
  ];
  const goals: Partial<Record<ScenarioResult['kind'], number>> = targetValues.replayFloorRatio;
  const goal = goals[scenario.kind];
  if (scenario.floorRatio.replay !== null && goal !== undefined) {
    rows.push({
      id: `${scenario.name}:floor-replay`,
      description: `${what} ${scenario.name} end to end vs single-thread floor, replayed responses (the sync's own speed)`,
      target: `>= ${percent(goal)}`,
      measured: percent(scenario.floorRatio.replay),
      pass: scenario.floorRatio.replay >= goal,
    });
  }
  return rows;
}

function rateLimitTargets(scenario: ScenarioResult): TargetResult[] {
  const rate = scenario.rateLimit;
  if (!rate) return [];
  if (rate.configuredLimit !== null) {
    // Issue 12: the client learns the lower limit from the refusals; it may meet a 429 per window.
    // The server's own minimum is per endpoint (the simulator counts each PCRS API apart).
    const ratio = rate.totalMs / rate.minimumPerEndpointMs;
    return [
      {
        id: `${scenario.name}:pacing`,
        description: `Server limit ${rate.limit}/${rate.windowMs / 1000} s below the configured ${rate.configuredLimit}: total time vs the server's own minimum (${rate.postureInfoRequests} postureInfo calls)`,
        target: `<= ${targetValues.lowerLimitRatio.toFixed(2)}x`,
        measured: `${ratio.toFixed(3)}x (${(rate.totalMs / 1000).toFixed(1)} s vs ${(rate.minimumPerEndpointMs / 1000).toFixed(1)} s)`,
        pass: ratio <= targetValues.lowerLimitRatio,
      },
      {
        id: `${scenario.name}:429-per-window`,
        description: 'Server limit lower than configured: 429 responses per server window',
        target: '<= 1 per window',
        measured: `${rate.rateLimited429} x 429 in ${rate.windows} windows`,
        pass: rate.rateLimited429 <= rate.windows,
      },
    ];
  }
  return [
    {
      id: `${scenario.name}:pacing`,
      description: `Rate limit ${rate.limit}/${rate.windowMs / 1000} s: total time vs the minimum for ${rate.requests} requests`,
      target: `<= ${targetValues.rateLimitRatio.toFixed(2)}x`,
      measured: `${rate.ratio.toFixed(3)}x (${(rate.totalMs / 1000).toFixed(1)} s vs ${(rate.minimumMs / 1000).toFixed(1)} s)`,
      pass: rate.ratio <= targetValues.rateLimitRatio,
    },
    {
      id: `${scenario.name}:no-429`,
      description: 'Rate limit on: 429 and 409 responses',
      target: '0',
      measured: `${rate.rateLimited429} x 429, ${rate.conflicts409} x 409`,
      pass: rate.rateLimited429 === 0 && rate.conflicts409 === 0,
    },
  ];
}

function postgresTargets(scenario: ScenarioResult): TargetResult[] {
  const comparison = scenario.postgres;
  if (!comparison) return [];
  return [
    {
      id: `${scenario.name}:throughput-vs-sqlite`,
      description: `PCRS ${scenario.name}: findings per second into PostgreSQL vs into SQLite (same estate)`,
      target: 'within 1.5x of SQLite',
      measured: `${Math.round(scenario.live.recordsPerSecond)}/s vs ${Math.round(comparison.sqlite.recordsPerSecond)}/s (${(1 / comparison.throughputRatio).toFixed(2)}x slower)`,
      pass: comparison.throughputRatio >= targetValues.postgresThroughputRatio,
    },
  ];
}

const mebibytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

function reportMemoryTargets(comparisons: BenchResults['reportMemory']): TargetResult[] {
  if (!comparisons || comparisons.length === 0) {
    return [
      {
        id: 'report-memory',
        description: 'Report peak RSS, largest vs smallest report of one format (flat, streaming)',
        target: `<= ${targetValues.reportMemoryRatio}x`,
        measured: 'not measured (needs two report sizes of one format, e.g. --report-mb 100,1000)',
        pass: null,
      },
    ];
  }
  return comparisons.map((memory) => ({
    id: `report-memory:${memory.small}:${memory.large}`,
    description: `Report peak RSS ${memory.large} vs ${memory.small} (flat, streaming)`,
    target: `<= ${targetValues.reportMemoryRatio}x`,
    measured: `${memory.ratio.toFixed(2)}x (${mebibytes(memory.largePeakRssBytes)} vs ${mebibytes(memory.smallPeakRssBytes)})`,
    pass: memory.ratio <= targetValues.reportMemoryRatio,
  }));
}

export function evaluateTargets(
  results: Pick<BenchResults, 'scenarios' | 'memory'> & Partial<Pick<BenchResults, 'reportMemory'>>,
): TargetResult[] {
  const rows: TargetResult[] = [];
  for (const scenario of results.scenarios)
    rows.push(...floorTargets(scenario), ...rateLimitTargets(scenario), ...postgresTargets(scenario));
  const memory = results.memory;
  rows.push(
    memory
      ? {
          id: 'memory',
          description: `Peak RSS ${memory.large} vs ${memory.small} (flat, streaming)`,
          target: `<= ${targetValues.memoryRatio}x`,
          measured: `${memory.ratio.toFixed(2)}x (${(memory.largePeakRssBytes / 2 ** 20).toFixed(0)} MiB vs ${(memory.smallPeakRssBytes / 2 ** 20).toFixed(0)} MiB)`,
          pass: memory.ratio <= targetValues.memoryRatio,
        }
      : {
          id: 'memory',
          description: 'Peak RSS large vs small PCRS scenario',
          target: `<= ${targetValues.memoryRatio}x`,
          measured: 'not measured (needs two PCRS scenarios)',
          pass: null,
        },
    ...reportMemoryTargets(results.reportMemory ?? null),
  );
  return rows;
}

export function verdict(pass: boolean | null): 'PASS' | 'MISS' | 'n/a' {
  return pass === null ? 'n/a' : pass ? 'PASS' : 'MISS';
}
