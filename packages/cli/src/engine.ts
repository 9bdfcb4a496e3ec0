/**
 * The one place the CLI reaches into the sync engine, so the commands read as CLI code and
 * tests can see at a glance what they exercise.
 */
export {
  type CheckConnectorOptions,
  checkConnector,
  type RunSyncOptions,
  runSync,
  type StreamStats,
  type SyncEvent,
  type SyncRunSummary,
} from '@posturesync/engine';
