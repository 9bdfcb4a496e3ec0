import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrations } from './migrations.ts';
import { SqliteStore } from './sqlite-store.ts';

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'posturesync-rate-windows-'));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

const key = { api: 'https://gateway.example.test', subscription: 'alice' };

describe('issue 12: rate windows in the store', () => {
  it('keeps a window per API and subscription across connections', () => {
    const path = join(directory, 'windows.db');
    const store = SqliteStore.open(path);
    expect(store.rateWindows().load(key)).toBeNull();
    store
      .rateWindows()
      .save(key, { starts: [1000.4, 2000], limit: { requests: 6, perMs: 8000 }, pausedUntil: 5000 });
    store
      .rateWindows()
      .save({ ...key, subscription: 'bob' }, { starts: [7], limit: null, pausedUntil: null });
    store.close();

    const reader = SqliteStore.open(path, { readonly: true });
    expect(reader.rateWindows().load(key)).toEqual({
      starts: [1000, 2000],
      limit: { requests: 6, perMs: 8000 },
      pausedUntil: 5000,
    });
    expect(reader.rateWindows().load({ ...key, subscription: 'bob' })?.starts).toEqual([7]);
    // A read-only store never writes.
    reader.rateWindows().save(key, { starts: [], limit: null, pausedUntil: null });
    expect(reader.rateWindows().load(key)?.starts).toEqual([1000, 2000]);
    reader.close();
  });

  it('a damaged row is ignored rather than failing the client', () => {
    const store = SqliteStore.open(join(directory, 'damaged.db'));
    store.database
      .prepare(
        "INSERT INTO rate_windows (api, subscription, starts, updated_at) VALUES (?, ?, 'not json', 'x')",
      )
      .run(key.api, key.subscription);
    expect(store.rateWindows().load(key)).toBeNull();
    store.close();
  });

  it('migration 3 upgrades a version-2 database in place: the table, and throttle columns on old runs', () => {
    const path = join(directory, 'v2.db');
    const raw = new Database(path);
    raw.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    for (const migration of migrations.filter((each) => each.version <= 2)) {
      raw.exec(migration.sql);
      raw
        .prepare('INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)')
        .run(migration.version, migration.description, '2024-01-01T00:00:00.000Z');
    }
    raw
      .prepare(
        "INSERT INTO sync_runs (instance, connector_id, config_fingerprint, started_at, outcome) VALUES ('a', 'c', 'f', '2024-01-01', 'succeeded')",
      )
      .run();
    raw.close();

    const store = SqliteStore.open(path);
    expect(store.schemaVersion()).toBeGreaterThanOrEqual(3);
    const run = store.history({ instance: 'a' })[0];
    expect(run?.metrics).toMatchObject({ throttledWaits: 0, throttledWaitMs: 0 });
    store.rateWindows().save(key, { starts: [1], limit: null, pausedUntil: null });
    expect(store.rateWindows().load(key)?.starts).toEqual([1]);
    store.close();
  });
});
