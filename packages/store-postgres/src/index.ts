export {
  defaultSchema,
  isPostgresUrl,
  type PostgresConnectionOptions,
  type PostgresSslMode,
  resolveConnection,
} from './connection-options.ts';
export { latestPostgresSchemaVersion, type PostgresMigration, postgresMigrations } from './migrations.ts';
export { closedReasonAbsent, PostgresStore, type PostgresStoreOptions } from './postgres-store.ts';
