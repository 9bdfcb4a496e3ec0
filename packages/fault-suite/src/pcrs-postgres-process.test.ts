import { afterAll, beforeAll, describe, it } from 'vitest';
import { PostgresKillSuite } from './postgres-process-harness.ts';
import { pcrsProcessCases } from './process-cases.ts';

const suite = new PostgresKillSuite('qualys-pcrs');
beforeAll(() => suite.setUp());
afterAll(() => suite.tearDown());

describe('issue 17: a real posturesync sync (PCRS) into PostgreSQL killed with -9', () => {
  it.each(
    pcrsProcessCases
      .filter((faultCase) => faultCase.signal === 'SIGKILL')
      .map((faultCase) => [faultCase.name, faultCase] as const),
  )('issue 17: pcrs into postgres: %s', async (_name, faultCase) => {
    await suite.run(faultCase);
  });
});
