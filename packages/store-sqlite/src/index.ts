export { latestSchemaVersion, type Migration, migrations } from './migrations.ts';
export { RecordWriter } from './record-writer.ts';
export { closedReasonAbsent, SqliteStore, type SqliteStoreOpenOptions } from './sqlite-store.ts';
export { type AcquireLockOptions, isProcessAlive } from './sync-lock.ts';
