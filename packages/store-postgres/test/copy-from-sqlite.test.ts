import { exportableTables, exportableViews } from '@posturesync/engine';
import { SqliteStore } from '@posturesync/store-sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CopyProgress, copyFromSqlite, PostgresStore } from '../src/index.ts';
import { type PostgresServer, startPostgresServer } from '../test-support/index.ts';
import { postgresDriver, scenario, sqliteDriver } from './scenario.ts';

describe('copying a SQLite database into PostgreSQL (migrate-store)', () => {
  let server: PostgresServer;
  let sqlite: SqliteStore;
  beforeAll(async () => {
    server = await startPostgresServer();
    sqlite = SqliteStore.open(':memory:');
    await scenario(sqliteDriver(sqlite));
  });
  afterAll(() => {
    sqlite?.close();
    server?.stop();
  });

  it('copies everything, history included, and continues an interrupted copy where it stopped', async () => {
    const target = { url: `${server.url}?schema=copied` };
    let chunks = 0;
    const interrupted = await copyFromSqlite({
      source: sqlite.database,
      sourceLocation: 'data/posturesync.db',
      target,
      env: server.env,
      chunkRows: 7,
      onProgress: () => {
        chunks++;
        // Dies after some committed chunks, in the middle of the violations.
        if (chunks === 12) throw new Error('killed mid-copy');
      },
    }).catch((error: Error) => error);
    expect((interrupted as Error).message).toBe('killed mid-copy');

    const seen: CopyProgress[] = [];
    const result = await copyFromSqlite({
      source: sqlite.database,
      sourceLocation: 'data/posturesync.db',
      target,
      env: server.env,
      chunkRows: 7,
      onProgress: (progress) => seen.push(progress),
    });
    expect(result.resumed).toBe(true);
    expect(result.location).toBe(`${server.url}?schema=copied`);
    for (const table of result.tables)
      expect([table.table, table.copied]).toEqual([table.table, table.total]);
    // Tables finished before the interruption were not read again.
    expect(seen.find((progress) => progress.table === 'sync_runs')).toEqual({
      table: 'sync_runs',
      copied: 3,
      total: 3,
      done: true,
    });

    const postgres = await PostgresStore.open({ ...target, env: server.env });
    try {
      for (const relation of [...exportableTables, ...exportableViews]) {
        const expected = await sqliteDriver(sqlite).rows(relation);
        expect([relation, ...(await postgresDriver(postgres).rows(relation))]).toEqual([
          relation,
          ...expected,
        ]);
      }
      expect(await postgres.getState('qualys-eu')).toEqual(sqlite.getState('qualys-eu'));
      // New runs continue after the copied ids.
      const run = await postgres.createRun({
        instance: 'qualys-eu',
        connectorId: 'test',
        configFingerprint: 'f',
        generation: null,
        resumedFromRunId: null,
        full: false,
        startedAt: '2024-06-01T00:00:00.000Z',
      });
      expect(run).toEqual({ id: 4, generation: 4 });
    } finally {
      await postgres.close();
    }

    // Run again after it finished: nothing to do, nothing doubled.
    const again = await copyFromSqlite({
      source: sqlite.database,
      sourceLocation: 'data/posturesync.db',
      target,
      env: server.env,
    });
    expect(again.tables.every((table) => table.done)).toBe(true);
  });

  it('refuses to copy into a schema that already holds data', async () => {
    const target = { url: `${server.url}?schema=busy` };
    const store = await PostgresStore.open({ ...target, env: server.env });
    await store.createRun({
      instance: 'x',
      connectorId: 'c',
      configFingerprint: 'f',
      generation: null,
      resumedFromRunId: null,
      full: false,
      startedAt: 'now',
    });
    await store.close();
    await expect(
      copyFromSqlite({ source: sqlite.database, sourceLocation: 'other.db', target, env: server.env }),
    ).rejects.toThrow(/already holds runs or findings: migrate-store copies into an empty schema only/);
  });

  it('refuses a SQLite database of another schema version', async () => {
    const old = SqliteStore.open(':memory:');
    old.database.exec('DELETE FROM schema_migrations WHERE version = 5');
    await expect(
      copyFromSqlite({
        source: old.database,
        sourceLocation: 'old.db',
        target: { url: server.url },
        env: server.env,
      }),
    ).rejects.toThrow(
      /The SQLite database at old.db has schema version 4; migrate-store copies version 5\. Run a sync/,
    );
    old.close();
  });
});
