import { memoryRatio } from './ratios.ts';
import type { MemoryComparison, ScenarioResult } from './result-types.ts';

function peakOf(scenario: ScenarioResult): number {
  return Math.max(scenario.live.peakRssBytes, scenario.replay?.peakRssBytes ?? 0);
}

/** Largest vs smallest of the scenarios by records (peak of each one's live and replayed runs). */
function compare(scenarios: readonly ScenarioResult[]): MemoryComparison | null {
  const sorted = [...scenarios].sort((a, b) => a.records - b.records);
  const small = sorted[0];
  const large = sorted.at(-1);
  if (!small || !large || small === large) return null;
  return {
    small: small.name,
    large: large.name,
    smallPeakRssBytes: peakOf(small),
    largePeakRssBytes: peakOf(large),
    ratio: memoryRatio(peakOf(large), peakOf(small)),
  };
}

/** Largest vs smallest PCRS scenario by records. */
export function memoryComparison(scenarios: readonly ScenarioResult[]): MemoryComparison | null {
  return compare(scenarios.filter((scenario) => scenario.kind === 'pcrs'));
}

/** Per report format run at two sizes or more: largest vs smallest (issue 18: 1 GB vs 100 MB). */
export function reportMemoryComparisons(scenarios: readonly ScenarioResult[]): MemoryComparison[] | null {
  const comparisons = (['report-xml', 'report-csv'] as const)
    .map((kind) => compare(scenarios.filter((scenario) => scenario.kind === kind)))
    .filter((comparison): comparison is MemoryComparison => comparison !== null);
  return comparisons.length > 0 ? comparisons : null;
}
