export { type BenchArguments, parseBenchArguments, usage } from './cli-arguments.ts';
export { type HarnessOptions, runBenchmarks } from './harness.ts';
export { memoryComparison, reportMemoryComparisons } from './memory-comparison.ts';
export { floorRatio, memoryRatio, rateLimitMinimumMs, recordsPerSecond } from './ratios.ts';
export { markdownTable, renderResultsMarkdown, renderScenarioTable } from './render-table.ts';
export {
  posturesyncRequests,
  qualysEtlRequests,
  type RequestCount,
  requestsPerTenThousandPairs,
} from './request-model.ts';
export type * from './result-types.ts';
export { buildScenarios, fullScales, quickScales, type Scenario, selectScenarios } from './scenarios.ts';
export { evaluateTargets, targetValues } from './targets.ts';
