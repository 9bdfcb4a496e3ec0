import { errorCodes, isPostureSyncError } from '@posturesync/core';
import { makeHost } from '@posturesync/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { exportableTables, exportableViews } from '../store/exportable-relations.ts';
import type { Awaitable, Store } from '../store/store.ts';
import type { CommitBatchInput, RecordSet } from '../store/types.ts';
import {
  connectorId,
  countsOf,
  estate,
  instance,
  newRun,
  progressOf,
  readAll,
  stateOf,
  zeroCounts,
} from './store-contract-fixtures.ts';

export interface StoreContractOptions {
  /** Shown in the suite's title, e.g. `sqlite` or `postgres`. */
  name: string;
  /**
   * A new, EMPTY, migrated store for one test. Each call must return a store that shares no
   * rows with the others (a fresh file, database or schema).
   */
  openStore: () => Awaitable<Store>;
  /**
   * A second connection to the same data as `store` (another process would open one), for the
   * lock tests. Without it, the lock tests use `store` itself.
   */
  openSecondConnection?: (store: Store) => Awaitable<Store>;
}

/**
 * The behaviour every `Store` implementation must show, run through the interface only:
 * `describeStoreContract({ name: 'sqlite', openStore: () => SqliteStore.open(':memory:') })`.
 * The engine relies on each of these properties (see the package README).
 */
export function describeStoreContract(options: StoreContractOptions): void {
  const opened: Store[] = [];
  const open = async () => {
    const store = await options.openStore();
    opened.push(store);
    return store;
  };
  afterEach(async () => {
    for (const store of opened.splice(0).reverse()) await store.close();
  });

  /** One run that commits `records` in one batch with a checkpoint. */
  async function syncOnce(
    store: Store,
    records: RecordSet,
    finish: 'succeeded' | 'partial' = 'succeeded',
    at = '2026-01-01T00:00:00.000Z',
  ) {
    const run = await newRun(store, at);
    const counts = countsOf(records);
    const written = await store.commitBatch({
      scope: { instance, runId: run.id, generation: run.generation, connectorId, now: at },
      records,
      quarantine: [],
      state: stateOf(run.id, run.generation, true, { page: 1 }),
      progress: progressOf(counts),
    });
    const closed = await store.finishGeneration({
      instance,
      connectorId,
      runId: run.id,
      now: at,
      closeScopes:
        finish === 'succeeded' ? [{ generation: run.generation, scopes: [{ policyUid: 'p1' }] }] : [],
      state: stateOf(run.id, run.generation, false, { page: 'done' }),
      finish: { ...progressOf(counts), outcome: finish, finishedAt: at, errorCode: null, errorMessage: null },
    });
    return { run, written, closed };
  }

  describe(`store contract: ${options.name}`, () => {
    it('opens empty and migrated: a schema version, no runs, no states, an empty summary', async () => {
      const store = await open();
      expect(await store.schemaVersion()).toBeGreaterThan(0);
      expect(await store.lastRuns()).toEqual([]);
      expect(await store.listStates()).toEqual([]);
      const summary = await store.summary();
      expect(summary.hosts).toBe(0);
      expect(summary.openFailedResults).toBe(0);
      expect(store.kind.length).toBeGreaterThan(0);
      expect(store.readonly).toBe(false);
    });

    it('numbers runs upward and starts a new generation at the run id', async () => {
      const store = await open();
      const base = {
        instance,
        connectorId,
        configFingerprint: 'f1',
        resumedFromRunId: null,
        full: false,
        startedAt: '2026-01-01T00:00:00.000Z',
      };
      const first = await store.createRun({ ...base, generation: null });
      const second = await store.createRun({ ...base, generation: first.generation });
      expect(first.generation).toBe(first.id);
      expect(second.id).toBeGreaterThan(first.id);
      expect(second.generation).toBe(first.generation);
      const record = await store.getRun(second.id);
      expect(record?.outcome).toBe('running');
      expect(record?.instance).toBe(instance);
      expect(await store.getRun(second.id + 1000)).toBeNull();
    });

    it('commitBatch stores records, quarantine, state and progress together', async () => {
      const store = await open();
      const run = await newRun(store, '2026-01-01T00:00:00.000Z');
      const records = estate({ 'h1:c1': 'failed' });
      const input: CommitBatchInput = {
        scope: { instance, runId: run.id, generation: run.generation, connectorId },
        records,
        quarantine: [
          {
            runId: run.id,
            instance,
            entity: 'violations',
            position: 'page 1 #3',
            reason: 'bad',
            raw: { a: 1 },
          },
        ],
        state: stateOf(run.id, run.generation, true, { cursor: 'abc' }),
        progress: progressOf(countsOf(records)),
      };
      const written = await store.commitBatch(input);
      expect(written).toEqual(countsOf(records));
      expect(await store.storedByRun(instance, run.id)).toEqual(countsOf(records));
      expect((await store.getState(instance))?.connector).toEqual({ cursor: 'abc' });
      const quarantined = await store.quarantined({ instance });
      expect(quarantined.map((row) => [row.position, row.raw])).toEqual([['page 1 #3', { a: 1 }]]);
      expect((await store.getRun(run.id))?.counts).toEqual(countsOf(records));
      const violations = await readAll(store, 'violations');
      expect(violations.rows).toHaveLength(4);
      const failed = violations.rows.filter((row) => row.status === 'failed');
      expect(failed).toHaveLength(1);
    });

    it('writing the same records again adds no rows and logs no status change', async () => {
      const store = await open();
      await syncOnce(store, estate());
      const changesBefore = await store.statusChanges({ limit: 1000 });
      await syncOnce(store, estate(), 'succeeded', '2026-01-02T00:00:00.000Z');
      for (const table of ['hosts', 'policies', 'violation_definitions', 'violations'] as const) {
        expect((await readAll(store, table)).rows.length, table).toBe(
          table === 'hosts' ? 2 : table === 'policies' ? 1 : table === 'violations' ? 4 : 2,
        );
      }
      expect(await store.statusChanges({ limit: 1000 })).toHaveLength(changesBefore.length);
      expect(changesBefore.every((change) => change.origin === 'first-seen')).toBe(true);
      expect(changesBefore).toHaveLength(4);
    });

    it('a batch that fails to write leaves none of its records, quarantine or state', async () => {
      const store = await open();
      const { run } = await syncOnce(store, estate());
      const stateBefore = await store.getState(instance);
      const broken = estate();
      // A record the schema cannot hold (a NULL key): the store must refuse the whole batch.
      const bad = { ...makeHost('h9'), uid: null as unknown as string };
      let failure: unknown;
      try {
        await store.commitBatch({
          scope: { instance, runId: run.id, generation: run.generation, connectorId },
          records: { ...broken, hosts: [makeHost('h3'), bad] },
          quarantine: [{ runId: run.id, instance, entity: 'hosts', position: 'x', reason: 'y', raw: null }],
          state: stateOf(run.id, run.generation, true, { page: 99 }),
          progress: progressOf(zeroCounts),
        });
      } catch (error) {
        failure = error;
      }
      expect(failure, 'the store accepted a host without a uid').toBeDefined();
      expect(isPostureSyncError(failure) ? failure.code : errorCodes.store).toBe(errorCodes.store);
      const hosts = (await readAll(store, 'hosts')).rows.map((row) => row.uid);
      expect(hosts.sort()).toEqual(['h1', 'h2']);
      expect(await store.quarantined({ instance })).toEqual([]);
      expect(await store.getState(instance)).toEqual(stateBefore);
    });

    it('a status change is logged once, with where it came from', async () => {
      const store = await open();
      await syncOnce(store, estate());
      await syncOnce(store, estate({ 'h2:c2': 'failed' }), 'succeeded', '2026-01-02T00:00:00.000Z');
      const changes = await store.statusChanges({ instance, limit: 1000 });
      const changed = changes.filter((change) => change.origin === 'changed');
      expect(changed.map((change) => [change.findingUid, change.from, change.to])).toEqual([
        ['h2:p1:c2', 'passed', 'failed'],
      ]);
      expect(changed[0]?.hostName).toBe('host-h2.example.test');
      expect(changed[0]?.policyTitle).toBe('Policy p1');
    });

    it('finishGeneration closes what a complete generation did not see, logs it absent, snapshots and finishes the run', async () => {
      const store = await open();
      await syncOnce(store, estate({ 'h1:c1': 'failed' }));
      const partialRecords = estate();
      partialRecords.violations = partialRecords.violations.filter(
        (violation) => violation.uid !== 'h1:p1:c1',
      );
      const second = await syncOnce(store, partialRecords, 'succeeded', '2026-01-02T00:00:00.000Z');
      expect(second.closed).toBe(1);
      const violations = (await readAll(store, 'violations')).rows;
      const closed = violations.filter((row) => row.closed_at !== null);
      expect(closed.map((row) => row.uid)).toEqual(['h1:p1:c1']);
      const absent = (await store.statusChanges({ limit: 1000 })).filter(
        (change) => change.origin === 'absent',
      );
      expect(absent.map((change) => [change.findingUid, change.from, change.to])).toEqual([
        ['h1:p1:c1', 'failed', 'absent'],
      ]);
      const run = await store.getRun(second.run.id);
      expect(run?.outcome).toBe('succeeded');
      expect(run?.closed).toBe(1);
      expect(run?.finishedAt).toBe('2026-01-02T00:00:00.000Z');
      const state = await store.getState(instance);
      expect(state?.inProgress).toBe(false);
      expect(state?.connector).toEqual({ page: 'done' });
      const trend = await store.passRateTrend({ instance });
      expect(trend.map((point) => [point.runId, point.passed, point.total])).toEqual([
        [second.run.id - 1, 3, 4],
        [second.run.id, 3, 3],
      ]);
      const summary = await store.summary();
      expect(summary.openFailedResults).toBe(0);
    });

    it('a partial generation closes nothing', async () => {
      const store = await open();
      await syncOnce(store, estate());
      const fewer = estate();
      fewer.violations = fewer.violations.slice(1);
      const second = await syncOnce(store, fewer, 'partial', '2026-01-02T00:00:00.000Z');
      expect(second.closed).toBe(0);
      const open_ = (await readAll(store, 'violations')).rows.filter((row) => row.closed_at === null);
      expect(open_).toHaveLength(4);
      expect((await store.getRun(second.run.id))?.outcome).toBe('partial');
    });

    it('keeps, lists and forgets per-instance state', async () => {
      const store = await open();
      await store.putState('a', connectorId, stateOf(1, 1, true, { x: 1 }), '2026-01-01T00:00:00.000Z');
      await store.putState('b', connectorId, stateOf(2, 2, false, null), '2026-01-01T00:00:00.000Z');
      await store.putState('a', connectorId, stateOf(3, 1, true, { x: 2 }), '2026-01-02T00:00:00.000Z');
      const states = await store.listStates();
      expect(states.map((state) => [state.instance, state.runId, state.state.connector])).toEqual([
        ['a', 3, { x: 2 }],
        ['b', 2, null],
      ]);
      expect(await store.deleteState('a')).toBe(true);
      expect(await store.deleteState('a')).toBe(false);
      expect(await store.getState('a')).toBeNull();
    });

    it('lets one sync per instance hold the lock and names the holder to the next', async () => {
      const store = await open();
      const second = options.openSecondConnection ? await options.openSecondConnection(store) : store;
      if (second !== store) opened.push(second);
      const lock = await store.acquireLock({ instance });
      expect(lock.token.length).toBeGreaterThan(0);
      expect(lock.pid).toBe(process.pid);
      let refused: unknown;
      try {
        await second.acquireLock({ instance });
      } catch (error) {
        refused = error;
      }
      expect(isPostureSyncError(refused) && refused.code).toBe(errorCodes.lockHeld);
      expect(String((refused as Error).message)).toContain(String(process.pid));
      expect((await second.lockHolder(instance))?.pid).toBe(process.pid);
      expect(await store.releaseLock(lock)).toBe(true);
      expect(await store.releaseLock(lock)).toBe(false);
      expect(await second.lockHolder(instance)).toBeNull();
      const again = await second.acquireLock({ instance });
      expect(await second.releaseLock(again)).toBe(true);
    });

    it("marks a dead process's running runs failed", async () => {
      const store = await open();
      const run = await newRun(store, '2026-01-01T00:00:00.000Z');
      const lock = await store.acquireLock({ instance });
      expect(await store.failAbandonedRuns(instance, '2026-01-01T01:00:00.000Z')).toEqual([run.id]);
      await store.releaseLock(lock);
      const record = await store.getRun(run.id);
      expect(record?.outcome).toBe('failed');
      expect(record?.errorMessage?.length).toBeGreaterThan(0);
    });

    it('finishRun records a failure with its code and message', async () => {
      const store = await open();
      const { run } = await syncOnce(store, estate());
      const next = await newRun(store, '2026-01-02T00:00:00.000Z');
      await store.finishRun(next.id, {
        ...progressOf(zeroCounts, 0),
        outcome: 'failed',
        finishedAt: '2026-01-02T00:01:00.000Z',
        errorCode: 'PS_ERR_AUTH',
        errorMessage: 'login refused',
      });
      const history = await store.history({ instance, limit: 10 });
      expect(history.map((entry) => [entry.id, entry.outcome, entry.errorCode])).toEqual([
        [next.id, 'failed', 'PS_ERR_AUTH'],
        [run.id, 'succeeded', null],
      ]);
      expect((await store.history({ instance, limit: 1 })).map((entry) => entry.id)).toEqual([next.id]);
      expect((await store.lastRuns()).map((entry) => entry.id)).toEqual([next.id]);
    });

    it('answers the status read models', async () => {
      const store = await open();
      await syncOnce(store, estate({ 'h1:c2': 'failed', 'h2:c2': 'failed', 'h2:c1': 'error' }));
      const summary = await store.summary();
      expect(summary.hosts).toBe(2);
      expect(summary.hostsByInstance).toEqual([{ instance, hosts: 2 }]);
      expect(summary.openFailedResults).toBe(2);
      expect(summary.lastRuns).toHaveLength(1);
      const rates = await store.policyPassRates();
      expect(rates.map((rate) => [rate.policyUid, rate.passed, rate.failed, rate.error, rate.total])).toEqual(
        [['p1', 1, 2, 1, 4]],
      );
      expect(rates[0]?.passRate).toBeCloseTo(0.25, 4);
      const controls = await store.failingControls({ limit: 10 });
      expect(controls.map((control) => [control.controlId, control.severity, control.failingHosts])).toEqual([
        ['c2', 'high', 2],
      ]);
      const hosts = await store.hostsByFailures({ limit: 10 });
      expect(hosts[0]?.hostUid).toBe('h2');
      expect(hosts[0]?.failing).toBe(1);
    });

    it('streams every exportable view and table with its columns', async () => {
      const store = await open();
      await syncOnce(store, estate({ 'h1:c1': 'failed' }));
      for (const name of [...exportableViews, ...exportableTables]) {
        const relation = await readAll(store, name);
        expect(relation.columns.length, name).toBeGreaterThan(0);
      }
      const findings = await readAll(store, 'v_findings');
      expect(findings.rows).toHaveLength(4);
      const hosts = await readAll(store, 'hosts');
      expect(hosts.columns).toContain('source_host_id');
    });

    it('keeps the HTTP clients rate windows', async () => {
      const store = await open();
      const windows = store.rateWindows();
      if (!windows) return;
      const key = { api: 'https://api.example.test', subscription: 'user' };
      const snapshot = { starts: [1_000, 2_000], limit: { requests: 25, perMs: 60_000 }, pausedUntil: null };
      windows.save(key, snapshot);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(windows.load(key)?.starts).toEqual([1_000, 2_000]);
    });
  });
}
