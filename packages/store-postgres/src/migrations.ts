/**
 * The PostgreSQL schema, as ordered migrations recorded in `schema_migrations` (never edit a
 * released one: append). Version 1 is the SQLite store's schema at its version 5: the same
 * tables, columns, keys, indexes and views, so a query, an export or a BI model works on both.
 *
 * Deliberate type choices, so both stores hold the same values and exports are identical:
 * - dates stay ISO-8601 UTC `TEXT` and JSON stays `TEXT` (a `jsonb` column would reorder keys
 *   and a `timestamptz` would reformat dates); cast in queries (`raw::jsonb`, `closed_at::timestamptz`).
 * - booleans stay `INTEGER` 0/1; counters and ids are `BIGINT` (the client reads them as numbers).
 * - key columns use the "C" collation: byte order, as SQLite compares, whatever the database's
 *   default collation is (and cheaper to index).
 *
 * Entity tables carry no foreign keys to each other, for the reason the SQLite store gives:
 * connectors stream records in source order and a violation may arrive before its host.
 */
import { tablesSql } from './schema-tables.ts';
import { viewsSql } from './schema-views.ts';

export interface PostgresMigration {
  version: number;
  description: string;
  sql: string;
}

export const postgresMigrations: readonly PostgresMigration[] = [
  {
    version: 1,
    description:
      'the SQLite schema at version 5: entities, runs, state, quarantine, lock holders, rate windows, compliance history, views',
    sql: tablesSql + viewsSql,
  },
];

export const latestPostgresSchemaVersion = postgresMigrations.reduce(
  (max, migration) => Math.max(max, migration.version),
  0,
);
