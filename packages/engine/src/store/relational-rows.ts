import type {
  FailingControl,
  HostFailures,
  PassRatePoint,
  PolicyPassRate,
  QuarantineRecord,
  StatusChange,
  StoredState,
  SyncOutcome,
  SyncRunRecord,
  SyncState,
} from './types.ts';

/**
 * The rows of the relational layout every SQL store keeps (the same tables, columns and views,
 * so exports and BI queries work on any of them), and their mapping to the engine's types. One
 * mapping for every store: a column read differently by two stores would be a silent
 * difference between them.
 */

export interface SyncRunRow {
  id: number;
  instance: string;
  connector_id: string;
  config_fingerprint: string;
  generation: number | null;
  resumed_from_run_id: number | null;
  full_sync: number;
  started_at: string;
  finished_at: string | null;
  outcome: SyncOutcome;
  hosts: number;
  policies: number;
  definitions: number;
  violations: number;
  batches: number;
  quarantined: number;
  closed: number;
  requests: number;
  retries: number;
  rate_limit_waits: number;
  rate_limit_wait_ms: number;
  throttled_waits: number;
  throttled_wait_ms: number;
  bytes_received: number;
  warning_count: number;
  warnings: string;
  error_code: string | null;
  error_message: string | null;
}

export function runFromRow(row: SyncRunRow): SyncRunRecord {
  return {
    id: row.id,
    instance: row.instance,
    connectorId: row.connector_id,
    configFingerprint: row.config_fingerprint,
    generation: row.generation,
    resumedFromRunId: row.resumed_from_run_id,
    full: row.full_sync === 1,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    outcome: row.outcome,
    counts: {
      hosts: row.hosts,
      policies: row.policies,
      definitions: row.definitions,
      violations: row.violations,
    },
    batches: row.batches,
    quarantined: row.quarantined,
    closed: row.closed,
    metrics: {
      requests: row.requests,
      retries: row.retries,
      rateLimitWaits: row.rate_limit_waits,
      rateLimitWaitMs: row.rate_limit_wait_ms,
      throttledWaits: row.throttled_waits,
      throttledWaitMs: row.throttled_wait_ms,
      bytesReceived: row.bytes_received,
    },
    warningCount: row.warning_count,
    warnings: JSON.parse(row.warnings) as string[],
    errorCode: row.error_code,
    errorMessage: row.error_message,
  };
}

/** Parses a stored `connector_state.state`, filling fields older versions did not write. */
export function parseState(text: string): SyncState {
  const parsed = JSON.parse(text) as Partial<SyncState>;
  return {
    generation: parsed.generation ?? 0,
    inProgress: parsed.inProgress ?? false,
    runId: parsed.runId ?? null,
    connector: parsed.connector ?? null,
    pendingScopes: parsed.pendingScopes ?? [],
    warningCount: parsed.warningCount ?? 0,
    tainted: parsed.tainted ?? { all: false, policies: [] },
    deferredScopes: parsed.deferredScopes ?? [],
  };
}

export interface StoredStateRow {
  instance: string;
  connector_id: string;
  run_id: number | null;
  updated_at: string;
  state: string;
}

export function storedStateFromRow(row: StoredStateRow): StoredState {
  return {
    instance: row.instance,
    connectorId: row.connector_id,
    runId: row.run_id,
    updatedAt: row.updated_at,
    state: parseState(row.state),
  };
}

export interface QuarantineRow {
  id: number;
  run_id: number;
  connector_instance: string;
  entity: string;
  position: string;
  reason: string;
  raw: string | null;
  created_at: string;
}

export function quarantineFromRow(row: QuarantineRow): QuarantineRecord {
  return {
    id: row.id,
    runId: row.run_id,
    instance: row.connector_instance,
    entity: row.entity,
    position: row.position,
    reason: row.reason,
    raw: row.raw === null ? null : JSON.parse(row.raw),
    createdAt: row.created_at,
  };
}

/** A row of `v_policy_pass_rate`. */
export interface PolicyPassRateRow {
  connector_instance: string;
  policy_uid: string;
  policy_title: string | null;
  passed: number;
  failed: number;
  error: number;
  unknown: number;
  total: number;
  pass_rate: number;
}

export function passRateFromRow(row: PolicyPassRateRow): PolicyPassRate {
  return {
    instance: row.connector_instance,
    policyUid: row.policy_uid,
    policyTitle: row.policy_title,
    passed: row.passed,
    failed: row.failed,
    error: row.error,
    unknown: row.unknown,
    total: row.total,
    passRate: row.pass_rate,
  };
}

/** A row of `v_failing_controls_by_severity`. */
export interface FailingControlRow {
  connector_instance: string;
  severity: FailingControl['severity'];
  control_id: string;
  statement: string | null;
  policies: number;
  failing_hosts: number;
  failing_results: number;
}

export function failingControlFromRow(row: FailingControlRow): FailingControl {
  return {
    instance: row.connector_instance,
    severity: row.severity,
    controlId: row.control_id,
    statement: row.statement,
    policies: row.policies,
    failingHosts: row.failing_hosts,
    failingResults: row.failing_results,
  };
}

/** A row of `v_hosts_by_failures`. */
export interface HostFailuresRow {
  connector_instance: string;
  host_uid: string;
  hostname: string | null;
  failing: number;
  errors: number;
  passed: number;
  total: number;
}

export function hostFailuresFromRow(row: HostFailuresRow): HostFailures {
  return {
    instance: row.connector_instance,
    hostUid: row.host_uid,
    hostname: row.hostname,
    failing: row.failing,
    errors: row.errors,
    passed: row.passed,
    total: row.total,
  };
}

/** A row of `v_changes`. */
export interface StatusChangeRow {
  change_id: number;
  connector_instance: string;
  finding_uid: string;
  host_uid: string;
  host_name: string | null;
  policy_uid: string;
  policy_title: string | null;
  control_id: string;
  technology_id: string | null;
  control_instance: string | null;
  from_status: StatusChange['from'];
  to_status: StatusChange['to'];
  origin: StatusChange['origin'];
  run_id: number | null;
  changed_at: string | null;
  seen_at: string;
}

export function statusChangeFromRow(row: StatusChangeRow): StatusChange {
  return {
    id: row.change_id,
    instance: row.connector_instance,
    findingUid: row.finding_uid,
    hostUid: row.host_uid,
    hostName: row.host_name,
    policyUid: row.policy_uid,
    policyTitle: row.policy_title,
    controlId: row.control_id,
    technologyId: row.technology_id,
    controlInstance: row.control_instance,
    from: row.from_status,
    to: row.to_status,
    origin: row.origin,
    runId: row.run_id,
    changedAt: row.changed_at,
    seenAt: row.seen_at,
  };
}

/** A row of `v_pass_rate_trend`. */
export interface PassRatePointRow extends PolicyPassRateRow {
  run_id: number;
  at: string;
}

export function passRatePointFromRow(row: PassRatePointRow): PassRatePoint {
  const { instance, policyUid, policyTitle, passed, failed, error, unknown, total, passRate } =
    passRateFromRow(row);
  return {
    instance,
    policyUid,
    policyTitle,
    runId: row.run_id,
    at: row.at,
    passed,
    failed,
    error,
    unknown,
    total,
    passRate,
  };
}
