import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeHost } from '@posturesync/core/testing';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { latestSchemaVersion, migrations } from '../src/migrations.ts';
import { SqliteStore } from '../src/sqlite-store.ts';

/** The name migration 1 gave the column before issue 16 (databases created until then have it). */
const legacyColumn = 'qualys_host_id';

let directory: string | undefined;
afterEach(() => {
  if (directory) rmSync(directory, { recursive: true, force: true });
  directory = undefined;
});

/** A database exactly as posturesync left it at schema version 4, with one host in it. */
function version4Database(path: string): void {
  const database = new Database(path);
  database.exec(
    'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  for (const migration of migrations.filter((entry) => entry.version <= 4)) {
    database.exec(migration.sql.replace('source_host_id TEXT,', `${legacyColumn} TEXT,`));
    database
      .prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)')
      .run(migration.version, migration.description, '2026-01-01T00:00:00.000Z');
  }
  database
    .prepare(
      `INSERT INTO hosts (connector_instance, uid, source_name, first_seen_run_id, last_seen_run_id,
         last_seen_generation, updated_at, ip_addresses, public_ip_addresses, private_ip_addresses,
         dns_names, ${legacyColumn}, raw)
       VALUES ('pcrs', 'h1', 'QUALYSPC', 1, 1, 1, 'x', '[]', '[]', '[]', '[]', '12345', '{}')`,
    )
    .run();
  database.close();
}

describe('migration 5: the source host ID column', () => {
  it('renames the legacy column of a version 4 database in place, keeping its values and views', () => {
    directory = mkdtempSync(join(tmpdir(), 'posturesync-migration-5-'));
    const path = join(directory, 'old.db');
    version4Database(path);
    const store = SqliteStore.open(path);
    try {
      expect(store.schemaVersion()).toBe(latestSchemaVersion);
      const columns = (
        store.database.prepare('PRAGMA table_info(hosts)').all() as Array<{ name: string }>
      ).map((column) => column.name);
      expect(columns).toContain('source_host_id');
      expect(columns).not.toContain(legacyColumn);
      expect(store.database.prepare('SELECT source_host_id FROM hosts').get()).toEqual({
        source_host_id: '12345',
      });
      // Every view still compiles after the rename.
      for (const { name } of store.database
        .prepare("SELECT name FROM sqlite_master WHERE type = 'view'")
        .all() as Array<{ name: string }>) {
        expect(() => store.database.prepare(`SELECT * FROM "${name}" LIMIT 1`).all(), name).not.toThrow();
      }
    } finally {
      store.close();
    }
  });

  it('creates new databases with source_host_id and writes it', () => {
    const store = SqliteStore.open(':memory:');
    try {
      store.upsertRecords(
        { instance: 'i', runId: 1, generation: 1 },
        { hosts: [makeHost('h1', { sourceHostId: '77' })] },
      );
      expect(store.database.prepare('SELECT source_host_id FROM hosts').get()).toEqual({
        source_host_id: '77',
      });
    } finally {
      store.close();
    }
  });
});
