export { type CheckConnectorOptions, checkConnector } from './check-connector.ts';
export {
  canonicalJson,
  configFingerprint,
  configWithoutSecrets,
  registerConfigSecrets,
} from './config-fingerprint.ts';
export { ProgressTracker } from './progress-tracker.ts';
export { maxStoredWarnings, type RunSyncOptions, runSync } from './run-sync.ts';
export type { StreamStats, SyncEvent, SyncEventHandler, SyncMode, SyncRunSummary } from './sync-events.ts';
export {
  describeIssues,
  type QuarantineEntry,
  type ValidatedBatch,
  validateBatch,
} from './validate-batch.ts';
