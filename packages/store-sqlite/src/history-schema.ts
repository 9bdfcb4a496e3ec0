/** Migration 4 (issue 14): the status change log, per-run posture snapshots, history and BI views. */
const historyStatuses = "'passed', 'failed', 'error', 'unknown', 'absent'";

const changeColumns = `connector_instance, finding_uid, from_status, to_status, from_category, to_category,
    origin, run_id, changed_at, seen_at`;

export const historySchema = `
ALTER TABLE violations ADD COLUMN closed_run_id INTEGER;

CREATE TABLE status_changes (
  id INTEGER PRIMARY KEY,
  connector_instance TEXT NOT NULL,
  finding_uid TEXT NOT NULL,
  -- Domains, not CHECK constraints (they cost 60% of the insert time; only the store writes
  -- here, from validated records): statuses ${historyStatuses}; categories 'open', 'closed';
  -- origin 'first-seen', 'changed', 'absent', 'reappeared', 'seeded-at-migration'.
  from_status TEXT,
  to_status TEXT NOT NULL,
  from_category TEXT,
  to_category TEXT NOT NULL,
  origin TEXT NOT NULL,
  run_id INTEGER,
  changed_at TEXT,
  seen_at TEXT NOT NULL
);

-- Existing findings start the history "as first seen at migration time": their earlier changes
-- were never recorded. changed_at keeps the source's own date where it has one.
INSERT INTO status_changes (${changeColumns})
SELECT connector_instance, uid,
  NULL, CASE WHEN closed_at IS NULL THEN status ELSE 'absent' END, NULL, status_category,
  'seeded-at-migration', NULL,
  CASE WHEN closed_at IS NULL THEN COALESCE(source_last_modified, last_evaluated) ELSE closed_at END,
  strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM violations ORDER BY connector_instance, uid;

CREATE TABLE posture_snapshots (
  run_id INTEGER NOT NULL REFERENCES sync_runs (id),
  connector_instance TEXT NOT NULL,
  policy_uid TEXT NOT NULL,
  taken_at TEXT NOT NULL,
  passed INTEGER NOT NULL,
  failed INTEGER NOT NULL,
  error INTEGER NOT NULL,
  unknown INTEGER NOT NULL,
  total INTEGER NOT NULL,
  pass_rate REAL NOT NULL,
  PRIMARY KEY (run_id, policy_uid)
) WITHOUT ROWID;
CREATE INDEX idx_posture_snapshots_policy ON posture_snapshots (connector_instance, policy_uid, run_id);

CREATE TABLE posture_snapshot_severities (
  run_id INTEGER NOT NULL,
  connector_instance TEXT NOT NULL,
  policy_uid TEXT NOT NULL,
  severity TEXT NOT NULL,
  failed INTEGER NOT NULL,
  error INTEGER NOT NULL,
  PRIMARY KEY (run_id, policy_uid, severity),
  FOREIGN KEY (run_id, policy_uid) REFERENCES posture_snapshots (run_id, policy_uid) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE VIEW v_findings AS
SELECT
  v.connector_instance,
  v.uid AS finding_uid,
  v.host_uid,
  h.hostname AS host_name,
  json_extract(h.ip_addresses, '$[0]') AS ip,
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
  v.closed_at IS NULL AS reported,
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
  o.previous_origin IN ('first-seen', 'seeded-at-migration') AS failing_when_first_seen,
  COALESCE(o.changed_at, o.seen_at) AS fixed_at,
  o.seen_at AS fix_seen_at,
  o.run_id AS fixed_in_run_id,
  ROUND(julianday(COALESCE(o.changed_at, o.seen_at)) - julianday(o.previous_at), 3) AS days_open
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
  ROUND(AVG(days_open), 3) AS mean_days_to_remediate,
  MIN(days_open) AS min_days,
  MAX(days_open) AS max_days
FROM v_remediation
GROUP BY connector_instance, policy_uid, severity;
`;
