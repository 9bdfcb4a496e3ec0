import type {
  CompletedScope,
  ConnectorState,
  EntityName,
  Host,
  HttpClientMetrics,
  Policy,
  Severity,
  Violation,
  ViolationDefinition,
} from '@posturesync/core';

export interface StoreOpenOptions {
  /** Open without migrating or writing (for `status` / `history` while a sync runs). */
  readonly?: boolean;
  /** How long a write waits for another connection's write lock; default 5000 ms. */
  busyTimeoutMs?: number;
}

export type SyncOutcome = 'running' | 'succeeded' | 'partial' | 'failed' | 'cancelled';

/** Who writes a batch: every row records the instance, run and generation that last saw it. */
export interface WriteScope {
  instance: string;
  runId: number;
  generation: number;
  /** ISO-8601 UTC; defaults to now. */
  now?: string;
}

export interface RecordSet {
  hosts?: readonly Host[];
  policies?: readonly Policy[];
  definitions?: readonly ViolationDefinition[];
  violations?: readonly Violation[];
}

export interface RecordCounts {
  hosts: number;
  policies: number;
  definitions: number;
  violations: number;
}

export interface QuarantineInput {
  runId: number;
  instance: string;
  entity: EntityName | string;
  position: string;
  reason: string;
  /** Already redacted by the caller; stored as JSON text. */
  raw: unknown;
}

export interface QuarantineRecord {
  id: number;
  runId: number;
  instance: string;
  entity: string;
  position: string;
  reason: string;
  raw: unknown;
  createdAt: string;
}

/**
 * What the engine persists per connector instance. `connector` is the connector's own
 * opaque checkpoint; the rest is the engine's bookkeeping for resume and closing.
 */
/** One row of `connector_state`, as `Store.listStates()` returns it. */
export interface StoredState {
  instance: string;
  connectorId: string;
  runId: number | null;
  updatedAt: string;
  state: SyncState;
}

export interface SyncState {
  /** The sync generation the checkpoint belongs to (the run id that started it). */
  generation: number;
  /** True while a generation has committed batches but not finished; the next run resumes it. */
  inProgress: boolean;
  /** The run that wrote this state. */
  runId: number | null;
  connector: ConnectorState | null;
  /** Scopes completed so far in this generation, closed when the generation finishes cleanly. */
  pendingScopes: CompletedScope[];
  /**
   * Quarantined records and warnings across the whole generation (all its runs). A generation
   * with any is partial and closes nothing, even if the resumed run itself was clean.
   */
  warningCount: number;
  /**
   * Policies of this generation with a quarantined violation (`all` when one could not be tied
   * to a policy). Their scopes are never closed from this generation.
   */
  tainted?: TaintedPolicies;
  /**
   * Complete scopes of earlier partial generations, closed (against their own generation) by
   * the next generation that finishes cleanly. Without this, an incremental connector that
   * does not refetch those hosts would leave their stale findings open for good.
   */
  deferredScopes?: DeferredScope[];
}

export interface TaintedPolicies {
  all: boolean;
  policies: string[];
}

export interface DeferredScope {
  generation: number;
  scope: CompletedScope;
}

export interface CreateRunInput {
  instance: string;
  connectorId: string;
  configFingerprint: string;
  /** The generation to continue, or null to start a new one (generation = the new run id). */
  generation: number | null;
  resumedFromRunId: number | null;
  full: boolean;
  startedAt: string;
}

export interface RunProgress {
  counts: RecordCounts;
  batches: number;
  quarantined: number;
  closed: number;
  metrics: HttpClientMetrics;
  warningCount: number;
  /** Capped list of warning messages (already redacted). */
  warnings: readonly string[];
}

export interface FinishRunInput extends RunProgress {
  outcome: Exclude<SyncOutcome, 'running'>;
  finishedAt: string;
  errorCode: string | null;
  errorMessage: string | null;
}

export interface SyncRunRecord {
  id: number;
  instance: string;
  connectorId: string;
  configFingerprint: string;
  generation: number | null;
  resumedFromRunId: number | null;
  full: boolean;
  startedAt: string;
  finishedAt: string | null;
  outcome: SyncOutcome;
  counts: RecordCounts;
  batches: number;
  quarantined: number;
  closed: number;
  metrics: HttpClientMetrics;
  warningCount: number;
  warnings: string[];
  errorCode: string | null;
  errorMessage: string | null;
}

/** Everything one engine batch writes, committed in a single transaction. */
export interface CommitBatchInput {
  scope: WriteScope & { connectorId: string };
  records: RecordSet;
  quarantine: readonly QuarantineInput[];
  /** State to persist with the records; omitted when the batch carried no checkpoint or scopes. */
  state?: SyncState;
  progress: RunProgress;
}

/** The end of a run that read everything (`Store.finishGeneration`), committed as one transaction. */
export interface FinishGenerationInput {
  instance: string;
  connectorId: string;
  runId: number;
  /** ISO-8601 UTC: closing time, snapshot time and the state's update time. */
  now: string;
  /**
   * Scopes to close, each against the generation that completed it: open findings of the scope
   * whose last_seen_generation is below it are closed as absent. Empty when the generation was
   * partial (nothing is closed).
   */
  closeScopes: ReadonlyArray<{ generation: number; scopes: readonly CompletedScope[] }>;
  /** The state stored with the end of the run. */
  state: SyncState;
  /** How the run ended; `closed` is filled in with the number of findings closed. */
  finish: Omit<FinishRunInput, 'closed'>;
}

export interface QuarantineQuery {
  runId?: number;
  instance?: string;
  /** Default 1000. */
  limit?: number;
}

export interface RunHistoryQuery {
  instance?: string;
  /** Default 20. */
  limit?: number;
}

export interface PolicyPassRate {
  instance: string;
  policyUid: string;
  policyTitle: string | null;
  passed: number;
  failed: number;
  error: number;
  unknown: number;
  total: number;
  /** passed / total, 0..1 (4 decimals). */
  passRate: number;
}

export interface FailingControl {
  instance: string;
  severity: Severity;
  controlId: string;
  statement: string | null;
  policies: number;
  failingHosts: number;
  failingResults: number;
}

export interface SeverityFailures {
  severity: Severity;
  /** Distinct failing controls of this severity. */
  controls: number;
  /** Open failed results of this severity. */
  failingResults: number;
}

export interface HostFailures {
  instance: string;
  hostUid: string;
  hostname: string | null;
  failing: number;
  errors: number;
  passed: number;
  total: number;
}

export interface StoreSummary {
  hosts: number;
  hostsByInstance: Array<{ instance: string; hosts: number }>;
  openFailedResults: number;
  policies: PolicyPassRate[];
  failingBySeverity: SeverityFailures[];
  lastRuns: SyncRunRecord[];
}

export interface LockHolder {
  pid: number;
  hostname: string;
  instance: string;
  startedAt: string;
}

export interface SyncLock extends LockHolder {
  token: string;
  /** Set when a lock left by a dead process was taken over. */
  takenOverFrom: LockHolder | null;
}

/** A status in the change log: the source's four, or 'absent' (no longer reported). */
export type HistoryStatus = 'passed' | 'failed' | 'error' | 'unknown' | 'absent';

/** Why a change row exists (`status_changes.origin`). */
export type ChangeOrigin = 'first-seen' | 'changed' | 'absent' | 'reappeared' | 'seeded-at-migration';

export interface StatusChange {
  id: number;
  instance: string;
  findingUid: string;
  hostUid: string;
  hostName: string | null;
  policyUid: string;
  policyTitle: string | null;
  controlId: string;
  technologyId: string | null;
  controlInstance: string | null;
  /** null on first sight (and for rows seeded at migration). */
  from: HistoryStatus | null;
  to: HistoryStatus;
  origin: ChangeOrigin;
  /** The run that wrote the change; null for rows seeded at migration. */
  runId: number | null;
  /** When the source says the status changed (posture modified or evaluation date); null if it does not say. */
  changedAt: string | null;
  /** When posturesync wrote the change (the batch's time). */
  seenAt: string;
}

export interface StatusChangeQuery {
  instance?: string;
  /** Only changes written by this run or later ones. */
  sinceRunId?: number;
  /** Only changes seen at or after this ISO-8601 UTC time. */
  since?: string;
  /** Default 100. */
  limit?: number;
}

export interface TrendQuery {
  instance?: string;
  policyUid?: string;
}

/** One policy's posture at the end of one run (`v_pass_rate_trend`). */
export interface PassRatePoint {
  instance: string;
  policyUid: string;
  policyTitle: string | null;
  runId: number;
  at: string;
  passed: number;
  failed: number;
  error: number;
  unknown: number;
  total: number;
  /** passed / total, 0..1 (4 decimals). */
  passRate: number;
}
