import { exportableTables, exportableViews } from '@posturesync/engine';
import { SqliteStore } from '@posturesync/store-sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../src/index.ts';
import { type PostgresServer, startPostgresServer } from '../test-support/index.ts';
import { postgresDriver, scenario, sqliteDriver } from './scenario.ts';

/**
 * The same writes into both stores must leave the same rows in every exportable table and view:
 * the PostgreSQL store mirrors the SQLite store's record writer, status change log, closing and
 * snapshots exactly (ids included, since one instance writes sequentially here).
 */

describe('the PostgreSQL store writes what the SQLite store writes', () => {
  let server: PostgresServer;
  let postgres: PostgresStore;
  let sqlite: SqliteStore;
  beforeAll(async () => {
    server = await startPostgresServer();
    postgres = await PostgresStore.open({ url: server.url, env: server.env });
    sqlite = SqliteStore.open(':memory:');
    await scenario(sqliteDriver(sqlite));
    await scenario(postgresDriver(postgres));
  });
  afterAll(async () => {
    await postgres?.close();
    sqlite?.close();
    server?.stop();
  });

  it.each([...exportableTables, ...exportableViews])('%s has the same rows', async (relation) => {
    const expected = await sqliteDriver(sqlite).rows(relation);
    const actual = await postgresDriver(postgres).rows(relation);
    expect(expected.length).toBeGreaterThan(0);
    expect(actual).toEqual(expected);
  });

  it('has the same columns in every exportable relation', async () => {
    for (const relation of [...exportableTables, ...exportableViews]) {
      const expected = sqlite.database
        .prepare(`SELECT * FROM ${relation}`)
        .columns()
        .map((column) => column.name);
      const { columns } = await postgres.readRelation(relation);
      expect([relation, ...columns]).toEqual([relation, ...expected]);
    }
  });

  it('answers the read models the same', async () => {
    expect(await postgres.summary()).toEqual(sqlite.summary());
    expect(await postgres.policyPassRates()).toEqual(sqlite.policyPassRates());
    expect(await postgres.failingControls({ limit: 5 })).toEqual(sqlite.failingControls({ limit: 5 }));
    expect(await postgres.hostsByFailures()).toEqual(sqlite.hostsByFailures());
    expect(await postgres.statusChanges({ limit: 1000 })).toEqual(sqlite.statusChanges({ limit: 1000 }));
    expect(await postgres.statusChanges({ sinceRunId: 2, limit: 7 })).toEqual(
      sqlite.statusChanges({ sinceRunId: 2, limit: 7 }),
    );
    expect(await postgres.passRateTrend({ policyUid: 'p1' })).toEqual(
      sqlite.passRateTrend({ policyUid: 'p1' }),
    );
    expect(await postgres.history({ limit: 2 })).toEqual(sqlite.history({ limit: 2 }));
    expect(await postgres.lastRuns()).toEqual(sqlite.lastRuns());
    expect(await postgres.getRun(1)).toEqual(sqlite.getRun(1));
    expect(await postgres.quarantined()).toEqual(sqlite.quarantined());
    expect(await postgres.getState('qualys-eu')).toEqual(sqlite.getState('qualys-eu'));
    expect(await postgres.listStates()).toEqual(sqlite.listStates());
    expect(await postgres.storedByRun('qualys-eu', 2)).toEqual(sqlite.storedByRun('qualys-eu', 2));
  });
});
