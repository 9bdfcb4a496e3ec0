import { SecretRedactor, silentLogger } from '@posturesync/core';
import { runSync } from '@posturesync/engine';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/sqlite-store.ts';
import { crashEstate, crashTestConfig } from './test-support/crash-estate.ts';
import { buildEstate, createFakeDefinition } from './test-support/fake-connector.ts';

const v0 = buildEstate({ ...crashEstate, variant: 0 });
const v1 = buildEstate({ ...crashEstate, variant: 1 });

function sync(store: SqliteStore, batches: typeof v0) {
  return runSync({
    store,
    definition: createFakeDefinition({ batches }),
    instance: 'pcrs-eu',
    config: crashTestConfig,
    full: true,
    logger: silentLogger,
    redactor: new SecretRedactor(),
    signal: new AbortController().signal,
  });
}

function origins(store: SqliteStore, runId: number): Record<string, number> {
  const rows = store.database
    .prepare('SELECT origin, COUNT(*) AS n FROM status_changes WHERE run_id = ? GROUP BY origin')
    .all(runId) as Array<{ origin: string; n: number }>;
  return Object.fromEntries(rows.map((row) => [row.origin, row.n]));
}

describe('issue 14: the engine keeps the history', () => {
  it('logs first sights, flips and each finding closed as absent exactly once; snapshots every run', async () => {
    const store = SqliteStore.open(':memory:');
    try {
      const first = await sync(store, v0);
      const findings = crashEstate.policies * crashEstate.hosts * crashEstate.controls;
      expect(origins(store, first.runId)).toEqual({ 'first-seen': findings });

      const second = await sync(store, v1);
      expect(second.closed).toBe(crashEstate.policies * crashEstate.controls);
      // Variant 1 shifts which (host + control) is failing and drops the last host of each policy.
      let flips = 0;
      for (let h = 1; h < crashEstate.hosts; h += 1) {
        for (let c = 1; c <= crashEstate.controls; c += 1) {
          if (((h + c) % 3 === 0) !== ((h + c + 1) % 3 === 0)) flips += 1;
        }
      }
      expect(origins(store, second.runId)).toEqual({
        changed: flips * crashEstate.policies,
        absent: second.closed,
      });
      const absent = store
        .statusChanges({ sinceRunId: second.runId, limit: 1000 })
        .filter((change) => change.origin === 'absent');
      expect(new Set(absent.map((change) => change.hostUid))).toEqual(
        new Set([`${1_000_000_000_000 + crashEstate.hosts}`]),
      );
      expect(absent.every((change) => change.to === 'absent' && change.runId === second.runId)).toBe(true);

      // The same data again: nothing changed, nothing is logged, and nothing is closed twice.
      const third = await sync(store, v1);
      expect(third.closed).toBe(0);
      expect(origins(store, third.runId)).toEqual({});

      const trend = store.passRateTrend();
      expect(trend.map((point) => point.runId)).toEqual(
        ['1', '2', '3'].flatMap(() => [first.runId, second.runId, third.runId]),
      );
      expect(trend.filter((point) => point.runId === second.runId).map((point) => point.total)).toEqual(
        Array(crashEstate.policies).fill((crashEstate.hosts - 1) * crashEstate.controls),
      );
    } finally {
      store.close();
    }
  });

  it('a failed run leaves no snapshot; its committed batches keep their changes', async () => {
    const store = SqliteStore.open(':memory:');
    try {
      await sync(store, v0);
      const failing = createFakeDefinition({ batches: v1, failAt: { index: 3 } });
      await expect(
        runSync({
          store,
          definition: failing,
          instance: 'pcrs-eu',
          config: { ...crashTestConfig },
          full: true,
          logger: silentLogger,
          redactor: new SecretRedactor(),
          signal: new AbortController().signal,
        }),
      ).rejects.toThrow(/connection reset/);
      const failed = store.history({ limit: 1 })[0]!;
      expect(failed.outcome).toBe('failed');
      expect(store.passRateTrend().some((point) => point.runId === failed.id)).toBe(false);
      expect(origins(store, failed.id).changed).toBeGreaterThan(0);
      expect(origins(store, failed.id).absent).toBeUndefined();
    } finally {
      store.close();
    }
  });
});
