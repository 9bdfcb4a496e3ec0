import type { ConnectorState } from '@posturesync/core';
import { SecretRedactor } from '@posturesync/core';
import { captureLogger } from '@posturesync/core/testing';
import { runSync } from '@posturesync/engine';
import { SqliteStore } from '@posturesync/store-sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import type { QualysPcrsConfig } from '../src/config-schema.ts';
import { qualysPcrsConnector } from '../src/connector.ts';
import {
  activePolicyIds,
  configFor,
  distinctRecords,
  lastCheckpoint,
  type RewritingProxy,
  readAll,
  readRequest,
  type Simulator,
  startRewritingProxy,
  startSimulator,
} from './support.ts';

let simulator: Simulator | undefined;
let proxy: RewritingProxy | undefined;
let store: SqliteStore | undefined;
afterEach(async () => {
  store?.close();
  store = undefined;
  await proxy?.close();
  proxy = undefined;
  await simulator?.close();
  simulator = undefined;
});

const dayMs = 86_400_000;
/** Sync clocks days apart, so a rescan falls outside the next window plus its 60-minute margin. */
const at = (daysAgo: number) => new Date(Date.now() - daysAgo * dayMs);

function sync(target: SqliteStore, config: QualysPcrsConfig, now: Date) {
  const redactor = new SecretRedactor();
  return runSync({
    store: target,
    definition: qualysPcrsConnector,
    instance: 'qualys-pcrs-incremental',
    config,
    logger: captureLogger({ redactor }).logger,
    redactor,
    signal: new AbortController().signal,
    now: () => now,
  });
}

function storedStatuses(target: SqliteStore, hostIds: readonly string[]): Map<string, string> {
  const rows = target.database
    .prepare(`SELECT uid, status FROM violations WHERE host_uid IN (${hostIds.map(() => '?').join(',')})`)
    .all(...hostIds) as Array<{ uid: string; status: string }>;
  return new Map(rows.map((row) => [row.uid, row.status]));
}

function watermarksOf(state: ConnectorState | undefined): Record<string, string> {
  return (state as { watermarks: Record<string, string> }).watermarks;
}

describe('qualys-pcrs per-policy watermarks', () => {
  it('issue 4: a policy whose hostids fails in run 2 is fully caught up in run 3', async () => {
    simulator = await startSimulator();
    const running = simulator;
    const estate = running.state.estate;
    const active = activePolicyIds(estate);
    const failing = active[0] as string;
    const others = active.filter((policyId) => policyId !== failing);
    let failHostIds = false;
    proxy = await startRewritingProxy(running.url, {
      hostIds: (body) => ({
        status: 200,
        body: (body as Array<{ policyId: string }>).map((entry) =>
          failHostIds && entry.policyId === failing
            ? { ...entry, hostIds: [], error: 'Error: temporarily unavailable.' }
            : entry,
        ),
      }),
    });
    store = SqliteStore.open(':memory:');
    const config = configFor(proxy.url, { batchSize: 7 });

    const first = await sync(store, config, at(3));
    expect(first.outcome).toBe('succeeded');

    // Rescanned after run 1, well before run 2 starts (outside run 2's window and its margin).
    const rescanned = estate.hostIdsForPolicy(failing).slice(0, 3);
    estate.rescan(rescanned, at(2));
    const rescannedRows = (policyIds: readonly string[]) =>
      policyIds.reduce(
        (sum, policyId) =>
          sum + rescanned.reduce((inner, hostId) => inner + estate.resultCountForHost(policyId, hostId), 0),
        0,
      );

    failHostIds = true;
    const second = await sync(store, config, at(1));
    expect(second.outcome).toBe('partial');
    expect(second.counts.violations).toBe(rescannedRows(others));
    const before = storedStatuses(store, rescanned);
    const flipped = [...estate.postureRecords(failing, rescanned)].filter(
      (record) => before.get(String(record.id)) !== record.status.toLowerCase(),
    );
    // The simulator flips some statuses on a rescan: those are what run 2 lost for this policy.
    expect(flipped.length).toBeGreaterThan(0);

    failHostIds = false;
    running.state.resetStats();
    const third = await sync(store, config, at(0));
    expect(third.outcome).toBe('succeeded');
    // The failing policy is asked from its own (run 1) watermark, the others from run 2's: two hostids calls.
    expect(running.state.stats.requests.hostids).toBe(2);
    expect(third.counts.violations).toBe(rescannedRows([failing]));
    const after = storedStatuses(store, rescanned);
    for (const record of estate.postureRecords(failing, rescanned)) {
      expect(after.get(String(record.id))).toBe(record.status.toLowerCase());
    }
  });

  it('issue 4: a policy added to the include list after the first sync gets ALL its hosts on the next incremental sync', async () => {
    simulator = await startSimulator();
    const estate = simulator.state.estate;
    const active = activePolicyIds(estate);
    const [first, second, added] = active as [string, string, string];
    const before = await readAll(
      configFor(simulator.url, { policyIds: { include: [first, second] } }),
      readRequest({ runStartedAt: at(1).toISOString() }),
    );
    expect(before.error).toBeUndefined();
    expect(Object.keys(watermarksOf(lastCheckpoint(before.batches))).sort()).toEqual([first, second].sort());

    simulator.state.resetStats();
    const after = await readAll(
      configFor(simulator.url, { policyIds: { include: [first, second, added] } }),
      readRequest({ state: lastCheckpoint(before.batches) ?? null }),
    );
    expect(after.error).toBeUndefined();
    expect(after.logs).toMatch(/2 policies incrementally .*1 policies in full/);
    // Nothing was rescanned: the known policies bring nothing, the added one every host it has.
    const got = distinctRecords(after.batches);
    expect(got.violations.size).toBe(estate.postureRecordCount([added]));
    expect(got.hosts).toEqual(new Set(estate.hostIdsForPolicy(added)));
    expect(simulator.state.stats.requests.hostids).toBe(2);
    // Fetched in full, so the whole policy is closed; the incremental ones refetched no host.
    const scopes = after.batches.flatMap((batch) => batch.completedScopes ?? []);
    expect(scopes).toEqual([{ policyUid: added }]);
    const watermarks = watermarksOf(lastCheckpoint(after.batches));
    expect(Object.keys(watermarks).sort()).toEqual([first, second, added].sort());
  });

  it('issue 4: a version 1 state migrates: incremental for the selected policies, then per-policy watermarks', async () => {
    simulator = await startSimulator();
    const estate = simulator.state.estate;
    const active = activePolicyIds(estate);
    const watermark = at(2).toISOString();
    const rescanned = estate.hostIdsForPolicy(active[0] as string).slice(0, 2);
    estate.rescan(rescanned, at(1));
    const runStartedAt = at(0).toISOString();
    const { batches, error, logs } = await readAll(
      configFor(simulator.url),
      readRequest({ state: { version: 1, watermark, run: null }, runStartedAt }),
    );
    expect(error).toBeUndefined();
    expect(logs).toMatch(/incremental sync: 3 policies incrementally/);
    expect(distinctRecords(batches).hosts).toEqual(new Set(rescanned));
    expect(lastCheckpoint(batches)).toEqual({
      version: 2,
      watermarks: Object.fromEntries(active.map((policyId) => [policyId, runStartedAt])),
      run: null,
    });
  });

  it('issue 4: an interrupted version 1 run is resumed, skipping the calls it stored', async () => {
    simulator = await startSimulator();
    const running = simulator;
    const estate = running.state.estate;
    const active = activePolicyIds(estate);
    const batchSize = 5;
    const config = configFor(running.url, { batchSize, maxRetries: 0, parallelRequests: 1 });
    running.state.setFaults([{ endpoint: 'postureInfo', kind: 'status500', afterCalls: 3, times: 1 }]);
    const interrupted = await readAll(config);
    expect(interrupted.error).toMatchObject({ name: 'TransientError' });
    const { run } = lastCheckpoint(interrupted.batches) as {
      run: { startedAt: string; completedBatchKeys: string[] };
    };
    expect(run.completedBatchKeys).toHaveLength(3);

    running.state.resetStats();
    const v1 = {
      version: 1,
      watermark: null,
      run: { startedAt: run.startedAt, lastScanDate: null, completedBatchKeys: run.completedBatchKeys },
    };
    const resumed = await readAll(config, readRequest({ state: v1 }));
    expect(resumed.error).toBeUndefined();
    expect(resumed.logs).toMatch(/resuming the interrupted sync/);
    const totalCalls = active.reduce(
      (sum, policyId) => sum + Math.ceil(estate.hostIdsForPolicy(policyId).length / batchSize),
      0,
    );
    expect(running.state.stats.requests.postureInfo).toBe(totalCalls - 3);
    const union = distinctRecords([...interrupted.batches, ...resumed.batches]);
    expect(union.violations.size).toBe(estate.postureRecordCount(active));
    expect(watermarksOf(lastCheckpoint(resumed.batches))).toEqual(
      Object.fromEntries(active.map((policyId) => [policyId, run.startedAt])),
    );
  });
});
