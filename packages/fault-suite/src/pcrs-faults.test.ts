import { afterAll, describe, it } from 'vitest';
import { pcrsFaultCases } from './fault-cases.ts';
import { InProcessFaultSuite } from './in-process-harness.ts';

const suite = new InProcessFaultSuite('qualys-pcrs');
afterAll(() => suite.dispose());

describe('issue 6: PCRS connector under simulator faults', () => {
  it.concurrent.each(pcrsFaultCases.map((faultCase) => [faultCase.name, faultCase] as const))(
    'issue 6: pcrs: %s',
    async (_name, faultCase) => {
      await suite.run(faultCase);
    },
  );
});
