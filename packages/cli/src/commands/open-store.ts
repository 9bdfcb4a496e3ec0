import { existsSync } from 'node:fs';
import { StoreError } from '@posturesync/core';
import type { Store } from '@posturesync/engine';
import { isPostgresUrl, PostgresStore } from '@posturesync/store-postgres';
import { SqliteStore } from '@posturesync/store-sqlite';
import { findConfigFile } from '../config/find-config-file.ts';
import { readConfigFile } from '../config/load-config.ts';
import type { Environment } from '../config/resolve-connector.ts';
import type { CliContext } from '../context.ts';

/**
 * The database `status` and `history` read: --db, else the config file's `database` (when
 * a config file exists; its connector blocks are not validated, no secrets needed), else
 * ./posturesync.db.
 */
export async function databaseForReading(context: CliContext): Promise<string> {
  if (context.globals.db !== undefined) return context.databasePath();
  const file = await findConfigFile(context.globals.config, context.cwd);
  if (file === null) return context.databasePath();
  const config = await readConfigFile(file, context.env);
  for (const warning of config.warnings) context.logger.warn(warning);
  return context.databasePath(config.database);
}

/** Refuses a path where no database exists, naming what creates one. */
function requireDatabase(path: string, createdBy: string): void {
  if (!existsSync(path))
    throw new StoreError(
      `no posturesync database at ${path}; run ${createdBy} first, or point --db at an existing database`,
      { details: { path } },
    );
}

/**
 * A PostgreSQL URL (`database:` or `--db`) opens the PostgreSQL store, with the password from
 * the environment; anything else is a SQLite file.
 */
async function openPostgres(url: string, env: Environment, readonly: boolean): Promise<Store> {
  return await PostgresStore.open({ url, readonly, env: { ...env } });
}

/** Opens read-only, so `status` and `history` work while a sync is running. */
export async function openStoreForReading(location: string, env: Environment): Promise<Store> {
  if (isPostgresUrl(location)) return await openPostgres(location, env, true);
  requireDatabase(location, '`posturesync sync` (or `posturesync demo`)');
  return SqliteStore.open(location, { readonly: true });
}

/** Opens for writing (migrating if needed); the database must exist already. */
export async function openStoreForWriting(location: string, env: Environment): Promise<Store> {
  if (isPostgresUrl(location)) return await openPostgres(location, env, false);
  requireDatabase(location, '`posturesync sync`');
  return SqliteStore.open(location);
}

/** Opens for a sync: creates a SQLite file (or the PostgreSQL schema) and migrates it. */
export async function openStoreForSync(location: string, env: Environment): Promise<Store> {
  if (isPostgresUrl(location)) return await openPostgres(location, env, false);
  return SqliteStore.open(location);
}
