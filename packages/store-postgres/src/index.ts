export {
  defaultSchema,
  isPostgresUrl,
  type PostgresConnectionOptions,
  type PostgresSslMode,
  postgresUrlFromFields,
  resolveConnection,
} from './connection-options.ts';
export {
  type CopyFromSqliteOptions,
  type CopyFromSqliteResult,
  type CopyProgress,
  copiedTables,
  copyFromSqlite,
  mirroredSqliteSchemaVersion,
  type SqliteDatabaseLike,
} from './copy-from-sqlite.ts';
export { latestPostgresSchemaVersion, type PostgresMigration, postgresMigrations } from './migrations.ts';
export { PostgresStore, type PostgresStoreOptions } from './postgres-store.ts';
export { closedReasonAbsent } from './run-writes.ts';
