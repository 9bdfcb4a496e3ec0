export {
  type ExportableRelation,
  exportableTables,
  exportableViews,
  isExportableRelation,
} from './exportable-relations.ts';
export { latestSchemaVersion, type Migration, migrations } from './migrations.ts';
export { RecordWriter } from './record-writer.ts';
export { closedReasonAbsent, Store } from './store.ts';
export { type AcquireLockOptions, isProcessAlive } from './sync-lock.ts';
export * from './types.ts';
