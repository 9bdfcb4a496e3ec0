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

/**
 * Whether a database exists at `location` (opening for writing would create one). A PostgreSQL
 * URL counts as existing: the read-only open says whether its schema does (and creates nothing).
 */
export function storeExists(location: string): boolean {
  return isPostgresUrl(location) || existsSync(location);
}

/** Refuses a path where no database exists, naming what creates one. */
function requireDatabase(path: string, createdBy: string): void {
  if (!storeExists(path))
    throw new StoreError(
      `no posturesync database at ${path}; run ${createdBy} first, or point --db at an existing database`,
      { details: { path } },
    );
}

/**
 * The one place the CLI picks a store for a database location. Every command works on the
 * engine's `Store` interface: a `postgres://` / `postgresql://` URL (from `--db` or `database:`)
 * opens the PostgreSQL store, its password from `env` (PGPASSWORD, or the variable the URL's
 * `passwordEnv` names); anything else is a SQLite file.
 */
export async function openStore(
  location: string,
  env: Environment,
  options: { readonly?: boolean } = {},
): Promise<Store> {
  const readonly = options.readonly ?? false;
  if (isPostgresUrl(location)) return await PostgresStore.open({ url: location, readonly, env: { ...env } });
  return SqliteStore.open(location, { readonly });
}

/** Opens read-only, so `status` and `history` work while a sync is running. */
export async function openStoreForReading(location: string, env: Environment): Promise<Store> {
  requireDatabase(location, '`posturesync sync` (or `posturesync demo`)');
  return openStore(location, env, { readonly: true });
}

/** Opens for writing (migrating if needed); the database must exist already. */
export async function openStoreForWriting(location: string, env: Environment): Promise<Store> {
  requireDatabase(location, '`posturesync sync`');
  return openStore(location, env);
}
