import type { ExportableRelation } from '@posturesync/engine';

/**
 * A stable order for each exportable relation (PostgreSQL, unlike SQLite reading a table in key
 * order, promises no order without ORDER BY). Two views carry their own ORDER BY (most failing
 * first) and keep it.
 */
export const relationOrder: Readonly<Record<ExportableRelation, string | null>> = {
  hosts: 'connector_instance, uid',
  host_tags: 'connector_instance, host_uid, tag',
  policies: 'connector_instance, uid',
  violation_definitions: 'connector_instance, uid',
  violations: 'connector_instance, uid',
  status_changes: 'id',
  posture_snapshots: 'run_id, policy_uid',
  posture_snapshot_severities: 'run_id, policy_uid, severity',
  sync_runs: 'id',
  quarantine: 'id',
  v_findings: 'connector_instance, finding_uid',
  v_changes: 'change_id',
  v_status_intervals: 'connector_instance, finding_uid, valid_from, run_id',
  v_pass_rate_trend: 'connector_instance, policy_uid, run_id',
  v_remediation: 'connector_instance, finding_uid, fix_seen_at',
  v_mean_time_to_remediate: 'connector_instance, policy_uid, severity',
  v_policy_pass_rate: 'connector_instance, policy_uid',
  v_failing_controls_by_severity: null,
  v_hosts_by_failures: null,
  v_latest_sync_runs: 'instance',
};
