import type { RunningSimulator } from '@posturesync/qualys-simulator';
import { afterEach, describe, expect, it } from 'vitest';
import { harness, readAll, startSimulator } from './support.ts';

let simulator: RunningSimulator | undefined;
afterEach(async () => {
  await simulator?.close();
  simulator = undefined;
});

describe('qualys-pc-report against the simulator', () => {
  it('imports the newest finished report with the prefix', async () => {
    simulator = await startSimulator();
    const { connector } = harness(simulator);
    try {
      const result = await readAll(connector);
      console.log(
        result.batches.length,
        result.hosts.length,
        result.definitions.length,
        result.violations.length,
      );
      console.log(JSON.stringify(result.violations[0], null, 1));
      console.log(JSON.stringify(result.hosts[0], null, 1));
      console.log(
        JSON.stringify(result.batches.at(-1)?.checkpoint),
        JSON.stringify(result.batches.at(-1)?.completedScopes),
      );
      expect(result.violations.length).toBeGreaterThan(0);
    } finally {
      await connector.close();
    }
  });
});
