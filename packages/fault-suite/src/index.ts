import { pcReportFaultCases, pcrsFaultCases } from './fault-cases.ts';
import { hostileCases } from './hostile-cases.ts';
import { pcReportProcessCases, pcrsProcessCases } from './process-cases.ts';

export type { FaultyRunExpectation, InProcessFaultCase, RerunExpectation } from './fault-cases.ts';
export { pcReportFaultCases, pcrsFaultCases } from './fault-cases.ts';
export { type HostileCase, hostileCases } from './hostile-cases.ts';
export type { ProcessFaultCase } from './process-cases.ts';
export {
  killPointSeed,
  killPointsPerConnector,
  pcReportProcessCases,
  pcrsProcessCases,
} from './process-cases.ts';
export { entitySnapshot, excludedColumns, orderDependentColumns, snapshotDifferences } from './snapshot.ts';

/** Every fault case the suite runs, one `it` each. */
export const faultCases: ReadonlyArray<{ name: string; connector: string; injects: string }> = [
  ...pcrsFaultCases,
  ...pcReportFaultCases,
  ...pcrsProcessCases,
  ...pcReportProcessCases,
  ...hostileCases,
];

/** The number the README states; a test keeps the two in sync. */
export const faultCaseCount = faultCases.length;
