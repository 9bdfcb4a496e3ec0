import { afterEach, describe, expect, it } from 'vitest';
import {
  activePolicyIds,
  configFor,
  distinctRecords,
  expectedFromEstate,
  readAll,
  type Simulator,
  startSimulator,
} from './support.ts';

let simulator: Simulator | undefined;
afterEach(async () => {
  await simulator?.close();
  simulator = undefined;
});

// Regressions found by the fault-injection suite (packages/fault-suite).
describe('qualys-pcrs under faults (issue 6 regressions)', () => {
  it('issue 6: a call retried after its body broke off still emits every host and definition', async () => {
    simulator = await startSimulator({
      faults: [
        { endpoint: 'postureInfo', kind: 'resetMidBody' },
        { endpoint: 'postureInfo', kind: 'truncatedGzip', afterCalls: 2 },
      ],
    });
    const estate = simulator.state.estate;
    // One worker, so no other call can emit the hosts of the broken one by chance.
    const { batches, error } = await readAll(
      configFor(simulator.url, { batchSize: 10, parallelRequests: 1 }),
    );
    expect(error).toBeUndefined();
    const expected = expectedFromEstate(estate, activePolicyIds(estate));
    const got = distinctRecords(batches);
    expect(got.violations).toEqual(expected.violations);
    expect(got.hosts).toEqual(expected.hosts);
    expect(got.definitions).toEqual(expected.definitions);
  });

  it('issue 6: a garbled policy list or hostids body is refetched', async () => {
    simulator = await startSimulator({
      faults: [
        { endpoint: 'policyList', kind: 'malformedJson' },
        { endpoint: 'hostids', kind: 'malformedJson' },
      ],
    });
    const estate = simulator.state.estate;
    const { batches, error } = await readAll(configFor(simulator.url, { batchSize: 10 }));
    expect(error).toBeUndefined();
    expect(distinctRecords(batches).violations).toEqual(
      expectedFromEstate(estate, activePolicyIds(estate)).violations,
    );
    expect(simulator.state.stats.requests.policyList).toBe(2);
  });

  it('issue 6: a hostids body that stays garbled fails after two refetches with a bad-response error', async () => {
    simulator = await startSimulator({
      faults: [{ endpoint: 'hostids', kind: 'malformedJson', times: Number.POSITIVE_INFINITY }],
    });
    const { error } = await readAll(configFor(simulator.url));
    expect(error).toMatchObject({ name: 'BadResponseError', code: 'PS_ERR_BAD_RESPONSE' });
    expect((error as Error).message).toMatch(/hostids request .* not JSON/);
    expect(simulator.state.stats.requests.hostids).toBe(3);
  });
});
