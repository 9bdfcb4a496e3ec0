import { afterAll, describe, it } from 'vitest';
import { pcReportFaultCases } from './fault-cases.ts';
import { InProcessFaultSuite } from './in-process-harness.ts';

const suite = new InProcessFaultSuite('qualys-pc-report');
afterAll(() => suite.dispose());

describe('issue 6: Policy Report connector under simulator faults', () => {
  it.concurrent.each(pcReportFaultCases.map((faultCase) => [faultCase.name, faultCase] as const))(
    'issue 6: pc-report: %s',
    async (_name, faultCase) => {
      await suite.run(faultCase);
    },
  );
});
