/**
 * Version 1's views: the SQLite store's, in PostgreSQL's dialect (COUNT(*) FILTER for SQLite's
 * SUM(condition), explicit GROUP BY columns, integer 0/1 where SQLite yields one), so exports of
 * both stores are identical.
 */
/** SUM(x = 'y') in SQLite; a count of matching rows here. */
const countWhere = (condition: string) => `COUNT(*) FILTER (WHERE ${condition})`;

export const viewsSql = `
CREATE VIEW v_policy_pass_rate AS
SELECT
  v.connector_instance,
  v.policy_uid,
  p.title AS policy_title,
  ${countWhere("v.status = 'passed'")} AS passed,
  ${countWhere("v.status = 'failed'")} AS failed,
  ${countWhere("v.status = 'error'")} AS error,
  ${countWhere("v.status = 'unknown'")} AS unknown,
  COUNT(*) AS total,
  ROUND(${countWhere("v.status = 'passed'")}::numeric / COUNT(*), 4)::double precision AS pass_rate
FROM violations v
LEFT JOIN policies p ON p.connector_instance = v.connector_instance AND p.uid = v.policy_uid
WHERE v.closed_at IS NULL
GROUP BY v.connector_instance, v.policy_uid, p.title;

CREATE VIEW v_failing_controls_by_severity AS
SELECT
  v.connector_instance,
  COALESCE(d.severity, 'undefined') AS severity,
  CASE COALESCE(d.severity, 'undefined')
    WHEN 'critical' THEN 5 WHEN 'high' THEN 4 WHEN 'medium' THEN 3
    WHEN 'low' THEN 2 WHEN 'info' THEN 1 ELSE 0 END AS severity_rank,
  v.control_id,
  MIN(d.statement) AS statement,
  COUNT(DISTINCT v.policy_uid) AS policies,
  COUNT(DISTINCT v.host_uid) AS failing_hosts,
  COUNT(*) AS failing_results
FROM violations v
LEFT JOIN violation_definitions d
  ON d.connector_instance = v.connector_instance AND d.uid = v.definition_uid
WHERE v.status = 'failed' AND v.closed_at IS NULL
GROUP BY v.connector_instance, COALESCE(d.severity, 'undefined'), v.control_id
ORDER BY severity_rank DESC, failing_hosts DESC, v.control_id;

CREATE VIEW v_hosts_by_failures AS
SELECT
  v.connector_instance,
  v.host_uid,
  h.hostname,
  h.ip_addresses,
  ${countWhere("v.status = 'failed'")} AS failing,
  ${countWhere("v.status = 'error'")} AS errors,
  ${countWhere("v.status = 'passed'")} AS passed,
  COUNT(*) AS total
FROM violations v
LEFT JOIN hosts h ON h.connector_instance = v.connector_instance AND h.uid = v.host_uid
WHERE v.closed_at IS NULL
GROUP BY v.connector_instance, v.host_uid, h.hostname, h.ip_addresses
ORDER BY failing DESC, errors DESC, v.connector_instance, v.host_uid;

CREATE VIEW v_latest_sync_runs AS
SELECT r.*
FROM sync_runs r
WHERE r.id = (SELECT MAX(r2.id) FROM sync_runs r2 WHERE r2.instance = r.instance);

CREATE VIEW v_findings AS
SELECT
  v.connector_instance,
  v.uid AS finding_uid,
  v.host_uid,
  h.hostname AS host_name,
  (h.ip_addresses::jsonb ->> 0) AS ip,
  h.ip_addresses,
  h.os,
  v.network,
  v.policy_uid,
  p.title AS policy_title,
  v.definition_uid,
  v.control_id,
  d.statement AS control_statement,
  v.technology_id,
  d.technology_name,
  v.instance AS control_instance,
  COALESCE(d.severity, 'undefined') AS severity,
  d.criticality_label,
  d.criticality_value,
  v.status,
  v.status_category,
  v.previous_status AS source_previous_status,
  v.first_failed,
  v.last_failed,
  v.first_passed,
  v.last_passed,
  v.last_evaluated,
  v.source_last_modified,
  (v.closed_at IS NULL)::int AS reported,
  v.closed_at,
  v.closed_reason,
  v.updated_at
FROM violations v
LEFT JOIN hosts h ON h.connector_instance = v.connector_instance AND h.uid = v.host_uid
LEFT JOIN policies p ON p.connector_instance = v.connector_instance AND p.uid = v.policy_uid
LEFT JOIN violation_definitions d ON d.connector_instance = v.connector_instance AND d.uid = v.definition_uid;

CREATE VIEW v_changes AS
SELECT
  c.id AS change_id,
  c.connector_instance,
  c.finding_uid,
  v.host_uid,
  h.hostname AS host_name,
  v.policy_uid,
  p.title AS policy_title,
  v.control_id,
  d.statement AS control_statement,
  COALESCE(d.severity, 'undefined') AS severity,
  v.technology_id,
  v.instance AS control_instance,
  c.from_status,
  c.to_status,
  c.origin,
  c.run_id,
  c.changed_at,
  c.seen_at
FROM status_changes c
LEFT JOIN violations v ON v.connector_instance = c.connector_instance AND v.uid = c.finding_uid
LEFT JOIN hosts h ON h.connector_instance = v.connector_instance AND h.uid = v.host_uid
LEFT JOIN policies p ON p.connector_instance = v.connector_instance AND p.uid = v.policy_uid
LEFT JOIN violation_definitions d ON d.connector_instance = v.connector_instance AND d.uid = v.definition_uid;

CREATE VIEW v_status_intervals AS
SELECT
  c.connector_instance,
  c.finding_uid,
  v.host_uid,
  v.policy_uid,
  v.control_id,
  v.technology_id,
  v.instance AS control_instance,
  c.to_status AS status,
  c.origin,
  c.run_id,
  c.changed_at AS source_changed_at,
  c.seen_at AS valid_from,
  LEAD(c.seen_at) OVER finding AS valid_until
FROM status_changes c
LEFT JOIN violations v ON v.connector_instance = c.connector_instance AND v.uid = c.finding_uid
WINDOW finding AS (PARTITION BY c.connector_instance, c.finding_uid ORDER BY c.id);

CREATE VIEW v_pass_rate_trend AS
SELECT
  s.connector_instance,
  s.policy_uid,
  p.title AS policy_title,
  s.run_id,
  s.taken_at AS at,
  r.outcome,
  s.passed,
  s.failed,
  s.error,
  s.unknown,
  s.total,
  s.pass_rate
FROM posture_snapshots s
LEFT JOIN sync_runs r ON r.id = s.run_id
LEFT JOIN policies p ON p.connector_instance = s.connector_instance AND p.uid = s.policy_uid;

CREATE VIEW v_remediation AS
WITH ordered AS (
  SELECT c.*,
    LAG(COALESCE(c.changed_at, c.seen_at)) OVER finding AS previous_at,
    LAG(c.origin) OVER finding AS previous_origin
  FROM status_changes c
  WINDOW finding AS (PARTITION BY c.connector_instance, c.finding_uid ORDER BY c.id)
)
SELECT
  o.connector_instance,
  o.finding_uid,
  v.host_uid,
  h.hostname AS host_name,
  v.policy_uid,
  p.title AS policy_title,
  v.control_id,
  d.statement AS control_statement,
  COALESCE(d.severity, 'undefined') AS severity,
  v.technology_id,
  v.instance AS control_instance,
  o.previous_at AS failed_since,
  (o.previous_origin IN ('first-seen', 'seeded-at-migration'))::int AS failing_when_first_seen,
  COALESCE(o.changed_at, o.seen_at) AS fixed_at,
  o.seen_at AS fix_seen_at,
  o.run_id AS fixed_in_run_id,
  ROUND((iso_days(COALESCE(o.changed_at, o.seen_at)) - iso_days(o.previous_at))::numeric, 3)::double precision
    AS days_open
FROM ordered o
LEFT JOIN violations v ON v.connector_instance = o.connector_instance AND v.uid = o.finding_uid
LEFT JOIN hosts h ON h.connector_instance = v.connector_instance AND h.uid = v.host_uid
LEFT JOIN policies p ON p.connector_instance = v.connector_instance AND p.uid = v.policy_uid
LEFT JOIN violation_definitions d ON d.connector_instance = v.connector_instance AND d.uid = v.definition_uid
WHERE o.from_status = 'failed' AND o.to_status = 'passed';

CREATE VIEW v_mean_time_to_remediate AS
SELECT
  connector_instance,
  policy_uid,
  MIN(policy_title) AS policy_title,
  severity,
  COUNT(*) AS fixes,
  ROUND(AVG(days_open)::numeric, 3)::double precision AS mean_days_to_remediate,
  MIN(days_open) AS min_days,
  MAX(days_open) AS max_days
FROM v_remediation
GROUP BY connector_instance, policy_uid, severity;
`;
