import type { BenchResults, ScenarioResult, SyncMeasurement } from './result-types.ts';
import { verdict } from './targets.ts';

export function formatCount(value: number): string {
  if (value >= 1_000_000) return `${(value / 1_000_000).toFixed(value >= 10_000_000 ? 0 : 2)}M`;
  if (value >= 10_000) return `${(value / 1000).toFixed(0)}k`;
  return String(Math.round(value));
}

export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  if (bytes >= 2 ** 10) return `${(bytes / 2 ** 10).toFixed(0)} KiB`;
  return `${bytes} B`;
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);
const ratio = (value: number | null | undefined) =>
  value === null || value === undefined ? '-' : `${(value * 100).toFixed(0)}%`;

/** A GitHub-flavoured Markdown table with a separator row sized to the header. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((cell, column) =>
    Math.max(3, cell.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${widths.map((width, column) => (cells[column] ?? '').padEnd(width)).join(' | ')} |`;
  return [
    line(header),
    `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`,
    ...rows.map(line),
  ].join('\n');
}

function throughput(run: SyncMeasurement | undefined): string {
  return run ? formatCount(run.recordsPerSecond) : '-';
}

function scenarioRow(scenario: ScenarioResult): string[] {
  const { live, replay, floor } = scenario;
  return [
    scenario.name,
    formatCount(scenario.records),
    formatBytes(scenario.bulkBytes),
    throughput(live),
    throughput(replay),
    floor ? formatCount((scenario.records * 1000) / floor.floorMs) : '-',
    ratio(scenario.floorRatio?.live),
    ratio(scenario.floorRatio?.replay),
    ratio(scenario.floorRatio?.cpu),
    `${seconds(live.wallMs)}${replay ? ` / ${seconds(replay.wallMs)}` : ''}`,
    `${seconds(live.cpuMs)}${replay ? ` / ${seconds(replay.cpuMs)}` : ''}`,
    `${(Math.max(live.peakRssBytes, replay?.peakRssBytes ?? 0) / 2 ** 20).toFixed(0)}`,
    String(live.server.total),
    String(live.retries),
    `${live.server.rateLimited429}/${live.server.conflicts409}`,
  ];
}

export function renderScenarioTable(scenarios: readonly ScenarioResult[]): string {
  return markdownTable(
    [
      'scenario',
      'records',
      'bulk bytes',
      'rec/s live',
      'rec/s replay',
      'rec/s floor',
      'live/floor',
      'replay/floor',
      'CPU floor/replay',
      'wall s (live / replay)',
      'sync CPU s (live / replay)',
      'peak RSS MiB',
      'requests',
      'retries',
      '429/409',
    ],
    scenarios.map(scenarioRow),
  );
}

const mebibytes = (bytes: number | undefined) => (bytes === undefined ? '-' : (bytes / 2 ** 20).toFixed(0));

/**
 * Where each sync's memory was at its peak RSS, and the largest value each component reached
 * (sampled about once a second inside the sync process).
 */
export function renderMemoryTable(scenarios: readonly ScenarioResult[]): string | null {
  const rows: string[][] = [];
  for (const scenario of scenarios) {
    for (const [run, measurement] of [
      ['live', scenario.live],
      ['replay', scenario.replay],
    ] as const) {
      const memory = measurement?.memory;
      if (!measurement || !memory) continue;
      const at = memory.atPeakRss;
      rows.push([
        `${scenario.name} ${run}`,
        mebibytes(measurement.peakRssBytes),
        mebibytes(measurement.baselineRssBytes),
        `${mebibytes(at.heapPhysical)} / ${mebibytes(at.heapUsed)}`,
        mebibytes(at.external),
        mebibytes(at.outsideHeap),
        mebibytes(at.rssFile),
        `${mebibytes(memory.peaks.heapPhysical)} / ${mebibytes(memory.peaks.heapUsed)}`,
        mebibytes(memory.peaks.external),
        mebibytes(memory.peaks.outsideHeap),
        mebibytes(memory.afterGc?.heapUsed),
        memory.sqlite ? mebibytes(memory.sqlite.pageCount * memory.sqlite.pageSize) : '-',
        mebibytes(memory.peaks.walBytes),
      ]);
    }
  }
  if (rows.length === 0) return null;
  return markdownTable(
    [
      'sync',
      'peak RSS',
      'RSS before',
      'at peak: V8 heap / used',
      'external',
      'other native',
      'file-backed',
      'max V8 heap / used',
      'max external',
      'max other native',
      'live heap after run + GC',
      'database',
      'max WAL',
    ],
    rows,
  );
}

/** Issue 17: the same estate into SQLite and into PostgreSQL, side by side. */
export function renderPostgresTable(scenarios: readonly ScenarioResult[]): string | null {
  const compared = scenarios.filter((scenario) => scenario.postgres);
  if (compared.length === 0) return null;
  return markdownTable(
    [
      'scenario',
      'findings',
      'SQLite rec/s',
      'PostgreSQL rec/s',
      'PostgreSQL / SQLite',
      'peak RSS MiB (SQLite / PostgreSQL)',
      'sync CPU s (SQLite / PostgreSQL)',
    ],
    compared.map((scenario) => {
      const comparison = scenario.postgres!;
      return [
        scenario.name,
        formatCount(scenario.records),
        throughput(comparison.sqlite),
        throughput(scenario.live),
        `${comparison.throughputRatio.toFixed(2)}x`,
        `${mebibytes(comparison.sqlite.peakRssBytes)} / ${mebibytes(scenario.live.peakRssBytes)}`,
        `${seconds(comparison.sqlite.cpuMs)} / ${seconds(scenario.live.cpuMs)}`,
      ];
    }),
  );
}

export function renderResultsMarkdown(results: BenchResults): string {
  const { machine } = results;
  const parts = [
    `Run ${results.generatedAt} at ${results.commit ? `commit ${results.commit.hash}${results.commit.dirty ? ' (with uncommitted changes)' : ''}` : 'an unknown commit'} (profile \`${results.profile}\`, ${seconds(results.durationMs)} s) on ${machine.cpuCount} x ${machine.cpuModel}, ${formatBytes(machine.totalMemoryBytes)} RAM, Node ${machine.nodeVersion}, ${machine.platform} ${machine.osRelease}; load average at start ${machine.loadAverage.map((value) => value.toFixed(2)).join(' / ')}.`,
    '',
    renderScenarioTable(results.scenarios),
  ];
  const efficiency = results.scenarios.find((scenario) => scenario.requestEfficiency)?.requestEfficiency;
  const efficient = results.scenarios.filter((scenario) => scenario.requestEfficiency);
  if (efficiency && efficient.length > 0) {
    parts.push(
      '',
      markdownTable(
        [
          'estate',
          'host-policy pairs',
          'posturesync requests',
          'per 10k pairs',
          'QualysETL requests',
          'per 10k pairs',
        ],
        efficient.map((scenario) => {
          const value = scenario.requestEfficiency!;
          return [
            scenario.name,
            formatCount(value.hostPolicyPairs),
            String(value.posturesync),
            value.posturesyncPerTenThousandPairs.toFixed(1),
            String(value.qualysEtl),
            value.qualysEtlPerTenThousandPairs.toFixed(1),
          ];
        }),
      ),
    );
  }
  const postgres = renderPostgresTable(results.scenarios);
  if (postgres) parts.push('', postgres);
  const memory = renderMemoryTable(results.scenarios);
  if (memory) {
    const variant = results.scenarios.find((scenario) => scenario.live.variant)?.live.variant;
    const flags = results.scenarios.find((scenario) => scenario.live.nodeFlags)?.live.nodeFlags;
    parts.push(
      '',
      `Memory of the sync processes in MiB (sampled about once a second; "other native" = RSS - V8 heap - external: code, SQLite's page cache, zlib, free pages malloc keeps); sync processes ran with ${flags && flags.length > 0 ? flags.join(' ') : "Node's default flags"}${variant ? ` (experiment: ${JSON.stringify(variant)})` : ''}:`,
      '',
      memory,
    );
  }
  parts.push(
    '',
    markdownTable(
      ['target', 'goal', 'measured', 'verdict'],
      results.targets.map((target) => [
        target.description,
        target.target,
        target.measured,
        verdict(target.pass),
      ]),
    ),
  );
  return `${parts.join('\n')}\n`;
}
