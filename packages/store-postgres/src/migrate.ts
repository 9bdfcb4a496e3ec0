import { StoreError } from '@posturesync/core';
import type pg from 'pg';
import { latestPostgresSchemaVersion, postgresMigrations } from './migrations.ts';

async function currentVersion(client: pg.ClientBase, schema: string): Promise<number> {
  const exists = await client.query<{ found: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'schema_migrations') AS found`,
    [schema],
  );
  if (!exists.rows[0]?.found) return 0;
  const { rows } = await client.query<{ version: number | null }>(
    `SELECT MAX(version) AS version FROM ${schema}.schema_migrations`,
  );
  return rows[0]?.version ?? 0;
}

function refuseNewer(version: number, location: string): void {
  if (version > latestPostgresSchemaVersion) {
    throw new StoreError(
      `The PostgreSQL schema at ${location} has version ${version}, but this posturesync only knows up to ` +
        `version ${latestPostgresSchemaVersion}. It was written by a newer posturesync: upgrade posturesync, or ` +
        'use another schema (?schema= in the URL).',
      { details: { location, version, supported: latestPostgresSchemaVersion } },
    );
  }
}

/** The schema's version; with `readonly`, refuses one that is not exactly this code's. */
export async function schemaVersionOf(
  client: pg.ClientBase,
  schema: string,
  location: string,
  options: { readonly: boolean },
): Promise<number> {
  const version = await currentVersion(client, schema);
  refuseNewer(version, location);
  if (options.readonly && version < latestPostgresSchemaVersion) {
    throw new StoreError(
      version === 0
        ? `No posturesync schema at ${location} yet: run a sync first to create it.`
        : `The PostgreSQL schema at ${location} has version ${version}; version ${latestPostgresSchemaVersion} is needed. ` +
            'Run a sync (or open it without read-only) to migrate it first.',
      { details: { location, version, required: latestPostgresSchemaVersion } },
    );
  }
  return version;
}

/**
 * Creates the schema and applies the missing migrations in ONE transaction, under a
 * transaction-level advisory lock on the schema's name: two workers starting together
 * serialise here, and the second finds everything applied. DDL is transactional in
 * PostgreSQL, so a failed migration leaves the schema as it was.
 */
export async function migrateSchema(client: pg.ClientBase, schema: string, location: string): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended('posturesync-migrate:' || $1, 0))", [
      schema,
    ]);
    const version = await currentVersion(client, schema);
    refuseNewer(version, location);
    if (version < latestPostgresSchemaVersion) {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query(`SET LOCAL search_path = ${schema}`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS schema_migrations (
           version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)`,
      );
      for (const migration of postgresMigrations) {
        if (migration.version <= version) continue;
        await client.query(migration.sql);
        await client.query(
          'INSERT INTO schema_migrations (version, description, applied_at) VALUES ($1, $2, $3)',
          [migration.version, migration.description, new Date().toISOString()],
        );
      }
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
