import { afterAll, beforeAll, describe, it } from 'vitest';
import { pcrsProcessCases } from './process-cases.ts';
import { ProcessFaultSuite } from './process-harness.ts';

const suite = new ProcessFaultSuite('qualys-pcrs');
beforeAll(() => suite.setUp());
afterAll(() => suite.tearDown());

describe('issue 6: a real posturesync sync (PCRS) interrupted by signals', () => {
  it.each(pcrsProcessCases.map((faultCase) => [faultCase.name, faultCase] as const))(
    'issue 6: pcrs process: %s',
    async (_name, faultCase) => {
      await suite.run(faultCase);
    },
  );
});
