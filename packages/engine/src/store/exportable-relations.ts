/**
 * The tables and views an export may read, by name. Export names come from the command line and
 * end up in SQL text (identifiers cannot be bound), so only these exact names are accepted.
 * Left out on purpose: `connector_state` (a connector's opaque checkpoint), `sync_lock` and
 * `schema_migrations` (bookkeeping).
 */
export const exportableViews = [
  'v_findings',
  'v_changes',
  'v_status_intervals',
  'v_pass_rate_trend',
  'v_remediation',
  'v_mean_time_to_remediate',
  'v_policy_pass_rate',
  'v_failing_controls_by_severity',
  'v_hosts_by_failures',
  'v_latest_sync_runs',
] as const;

export const exportableTables = [
  'hosts',
  'host_tags',
  'policies',
  'violation_definitions',
  'violations',
  'status_changes',
  'posture_snapshots',
  'posture_snapshot_severities',
  'sync_runs',
  'quarantine',
] as const;

export type ExportableRelation = (typeof exportableViews)[number] | (typeof exportableTables)[number];

const known: ReadonlySet<string> = new Set([...exportableViews, ...exportableTables]);

export function isExportableRelation(name: string): name is ExportableRelation {
  return known.has(name);
}
