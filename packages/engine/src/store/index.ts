export {
  type ExportableRelation,
  exportableTables,
  exportableViews,
  isExportableRelation,
} from './exportable-relations.ts';
export * from './relational-rows.ts';
export type {
  Awaitable,
  HistoryStore,
  LockStore,
  QueryStore,
  RecordStore,
  RelationRows,
  RunStore,
  StateStore,
  Store,
} from './store.ts';
export * from './types.ts';
