import { afterAll, beforeAll, describe, it } from 'vitest';
import { pcReportProcessCases } from './process-cases.ts';
import { ProcessFaultSuite } from './process-harness.ts';

const suite = new ProcessFaultSuite('qualys-pc-report');
beforeAll(() => suite.setUp());
afterAll(() => suite.tearDown());

describe('issue 6: a real posturesync sync (Policy Report) interrupted by signals', () => {
  it.each(pcReportProcessCases.map((faultCase) => [faultCase.name, faultCase] as const))(
    'issue 6: pc-report process: %s',
    async (_name, faultCase) => {
      await suite.run(faultCase);
    },
  );
});
