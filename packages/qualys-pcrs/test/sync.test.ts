import { SecretRedactor, TransientError } from '@posturesync/core';
import { captureLogger } from '@posturesync/core/testing';
import { runSync } from '@posturesync/engine';
import { storeText } from '@posturesync/engine/testing';
import { SqliteStore } from '@posturesync/store-sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import type { QualysPcrsConfig } from '../src/config-schema.ts';
import { qualysPcrsConnector } from '../src/connector.ts';
import {
  activePolicyIds,
  configFor,
  credentials,
  expectedFromEstate,
  type Simulator,
  startSimulator,
} from './support.ts';

let simulator: Simulator | undefined;
let store: SqliteStore | undefined;
afterEach(async () => {
  store?.close();
  store = undefined;
  await simulator?.close();
  simulator = undefined;
});

const instance = 'qualys-pcrs-test';

function sync(target: SqliteStore, config: QualysPcrsConfig, full = false) {
  const redactor = new SecretRedactor();
  return runSync({
    store: target,
    definition: qualysPcrsConnector,
    instance,
    config,
    full,
    logger: captureLogger({ redactor }).logger,
    redactor,
    signal: new AbortController().signal,
  });
}

function count(target: SqliteStore, table: string): number {
  return (target.database.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

describe('qualys-pcrs through runSync into SQLite', () => {
  it('issue 4: a full sync stores exactly the estate rows, then an incremental one refetches only rescanned hosts', async () => {
    simulator = await startSimulator();
    store = SqliteStore.open(':memory:');
    const estate = simulator.state.estate;
    const active = activePolicyIds(estate);
    const expected = expectedFromEstate(estate, active);
    const config = configFor(simulator.url, { batchSize: 7 });

    const first = await sync(store, config);
    expect(first.outcome).toBe('succeeded');
    expect(count(store, 'hosts')).toBe(expected.hosts.size);
    expect(count(store, 'policies')).toBe(active.length);
    expect(count(store, 'violation_definitions')).toBe(expected.definitions.size);
    expect(count(store, 'violations')).toBe(expected.postureRecordCount);
    expect(await storeText(store)).not.toContain(credentials.password);

    const rescanned = estate.hostIdsForPolicy(active[0] as string).slice(0, 2);
    estate.rescan(rescanned, new Date());
    simulator.state.resetStats();
    const second = await sync(store, config);
    expect(second.outcome).toBe('succeeded');
    expect(second.counts.hosts).toBe(rescanned.length);
    const refetched = active.reduce(
      (sum, policyId) =>
        sum + rescanned.reduce((inner, hostId) => inner + estate.resultCountForHost(policyId, hostId), 0),
      0,
    );
    expect(second.counts.violations).toBe(refetched);
    expect(simulator.state.stats.postureRecordsServed).toBe(refetched);
    expect(count(store, 'violations')).toBe(expected.postureRecordCount);
    // The flipped statuses of the rescanned hosts are stored.
    const stored = new Map(
      (
        store.database
          .prepare('SELECT uid, status FROM violations WHERE host_uid IN (?, ?)')
          .all(rescanned[0], rescanned[1]) as Array<{ uid: string; status: string }>
      ).map((row) => [row.uid, row.status]),
    );
    for (const policyId of active) {
      for (const record of estate.postureRecords(policyId, rescanned)) {
        expect(stored.get(String(record.id))).toBe(record.status.toLowerCase());
      }
    }

    simulator.state.resetStats();
    const full = await sync(store, config, true);
    expect(full.outcome).toBe('succeeded');
    expect(full.counts.violations).toBe(expected.postureRecordCount);
    expect(count(store, 'violations')).toBe(expected.postureRecordCount);
  });

  it('issue 4: a sync that fails midway is resumed by the next one, skipping stored calls, with the same rows', async () => {
    simulator = await startSimulator();
    store = SqliteStore.open(':memory:');
    const estate = simulator.state.estate;
    const active = activePolicyIds(estate);
    const expected = expectedFromEstate(estate, active);
    const batchSize = 5;
    const config = configFor(simulator.url, { batchSize, maxRetries: 0, parallelRequests: 1 });
    const totalCalls = active.reduce(
      (sum, policyId) => sum + Math.ceil(estate.hostIdsForPolicy(policyId).length / batchSize),
      0,
    );
    simulator.state.setFaults([{ endpoint: 'postureInfo', kind: 'status503', afterCalls: 5, times: 1 }]);
    await expect(sync(store, config)).rejects.toBeInstanceOf(TransientError);
    const partial = count(store, 'violations');
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(expected.postureRecordCount);

    simulator.state.resetStats();
    const resumed = await sync(store, config);
    expect(resumed.resumed).toBe(true);
    expect(resumed.outcome).toBe('succeeded');
    expect(simulator.state.stats.requests.postureInfo).toBe(totalCalls - 5);
    expect(count(store, 'violations')).toBe(expected.postureRecordCount);
    expect(count(store, 'hosts')).toBe(expected.hosts.size);
    expect(count(store, 'violation_definitions')).toBe(expected.definitions.size);
  });
});
