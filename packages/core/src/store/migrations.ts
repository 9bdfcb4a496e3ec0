/**
 * Versioned schema migrations, applied in order, each in its own transaction. Never edit a
 * released migration: append a new one. `schema_migrations` records what was applied, so a
 * database written by a newer posturesync is refused instead of being silently misread.
 *
 * Entity tables (hosts, policies, violation_definitions, violations) are keyed by
 * (connector_instance, uid) and deliberately carry no foreign keys to each other: connectors
 * stream batches in whatever order the source produces them (a violation may arrive before
 * its host or definition, and a report may never describe some hosts at all), so enforcing
 * references would reject good data. Joins are served by indexes instead.
 */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

const traceColumns = `
  connector_instance TEXT NOT NULL,
  uid TEXT NOT NULL,
  source_name TEXT NOT NULL,
  first_seen_run_id INTEGER NOT NULL,
  last_seen_run_id INTEGER NOT NULL,
  last_seen_generation INTEGER NOT NULL,
  updated_at TEXT NOT NULL`;

const initialSchema = `
CREATE TABLE sync_runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  instance TEXT NOT NULL,
  connector_id TEXT NOT NULL,
  config_fingerprint TEXT NOT NULL,
  generation INTEGER,
  resumed_from_run_id INTEGER,
  full_sync INTEGER NOT NULL DEFAULT 0 CHECK (full_sync IN (0, 1)),
  started_at TEXT NOT NULL,
  finished_at TEXT,
  outcome TEXT NOT NULL CHECK (outcome IN ('running', 'succeeded', 'partial', 'failed', 'cancelled')),
  hosts INTEGER NOT NULL DEFAULT 0,
  policies INTEGER NOT NULL DEFAULT 0,
  definitions INTEGER NOT NULL DEFAULT 0,
  violations INTEGER NOT NULL DEFAULT 0,
  batches INTEGER NOT NULL DEFAULT 0,
  quarantined INTEGER NOT NULL DEFAULT 0,
  closed INTEGER NOT NULL DEFAULT 0,
  requests INTEGER NOT NULL DEFAULT 0,
  retries INTEGER NOT NULL DEFAULT 0,
  rate_limit_waits INTEGER NOT NULL DEFAULT 0,
  rate_limit_wait_ms INTEGER NOT NULL DEFAULT 0,
  bytes_received INTEGER NOT NULL DEFAULT 0,
  warning_count INTEGER NOT NULL DEFAULT 0,
  warnings TEXT NOT NULL DEFAULT '[]',
  error_code TEXT,
  error_message TEXT
);
CREATE INDEX idx_sync_runs_instance ON sync_runs (instance, id);
CREATE INDEX idx_sync_runs_outcome ON sync_runs (outcome);

CREATE TABLE hosts (${traceColumns},
  hostname TEXT,
  ip_addresses TEXT NOT NULL,
  public_ip_addresses TEXT NOT NULL,
  private_ip_addresses TEXT NOT NULL,
  dns_names TEXT NOT NULL,
  netbios TEXT,
  os TEXT,
  tracking_method TEXT,
  network TEXT,
  network_id TEXT,
  qualys_host_id TEXT,
  asset_id TEXT,
  last_scanned TEXT,
  raw TEXT NOT NULL,
  PRIMARY KEY (connector_instance, uid)
);
CREATE INDEX idx_hosts_hostname ON hosts (hostname);
CREATE INDEX idx_hosts_last_seen ON hosts (connector_instance, last_seen_generation);

CREATE TABLE host_tags (
  connector_instance TEXT NOT NULL,
  host_uid TEXT NOT NULL,
  tag TEXT NOT NULL,
  PRIMARY KEY (connector_instance, host_uid, tag),
  FOREIGN KEY (connector_instance, host_uid) REFERENCES hosts (connector_instance, uid) ON DELETE CASCADE
);
CREATE INDEX idx_host_tags_tag ON host_tags (tag);

CREATE TABLE policies (${traceColumns},
  title TEXT,
  status TEXT,
  locked INTEGER CHECK (locked IN (0, 1)),
  created_by TEXT,
  created_date TEXT,
  modified_date TEXT,
  last_evaluated TEXT,
  raw TEXT NOT NULL,
  PRIMARY KEY (connector_instance, uid)
);

CREATE TABLE violation_definitions (${traceColumns},
  policy_uid TEXT NOT NULL,
  control_id TEXT NOT NULL,
  technology_id TEXT,
  technology_name TEXT,
  statement TEXT,
  description TEXT,
  recommendation TEXT,
  control_reference TEXT,
  criticality_label TEXT,
  criticality_value INTEGER,
  severity TEXT NOT NULL,
  deprecated INTEGER CHECK (deprecated IN (0, 1)),
  source_created TEXT,
  source_last_modified TEXT,
  raw TEXT NOT NULL,
  PRIMARY KEY (connector_instance, uid)
);
CREATE INDEX idx_definitions_policy ON violation_definitions (connector_instance, policy_uid);
CREATE INDEX idx_definitions_control ON violation_definitions (control_id, technology_id);
CREATE INDEX idx_definitions_severity ON violation_definitions (severity);

CREATE TABLE violations (${traceColumns},
  host_uid TEXT NOT NULL,
  policy_uid TEXT NOT NULL,
  definition_uid TEXT NOT NULL,
  control_id TEXT NOT NULL,
  technology_id TEXT,
  instance TEXT,
  status TEXT NOT NULL CHECK (status IN ('passed', 'failed', 'error', 'unknown')),
  previous_status TEXT CHECK (previous_status IN ('passed', 'failed', 'error', 'unknown')),
  status_category TEXT NOT NULL CHECK (status_category IN ('open', 'closed')),
  first_failed TEXT,
  last_failed TEXT,
  first_passed TEXT,
  last_passed TEXT,
  last_evaluated TEXT,
  source_last_modified TEXT,
  expected_value TEXT,
  actual_value TEXT,
  evidence TEXT,
  cause_of_failure TEXT,
  exception TEXT,
  network TEXT,
  raw TEXT NOT NULL,
  closed_at TEXT,
  closed_reason TEXT,
  stale INTEGER NOT NULL DEFAULT 0 CHECK (stale IN (0, 1)),
  PRIMARY KEY (connector_instance, uid)
);
CREATE INDEX idx_violations_host ON violations (connector_instance, host_uid);
CREATE INDEX idx_violations_policy ON violations (connector_instance, policy_uid, last_seen_generation);
CREATE INDEX idx_violations_definition ON violations (connector_instance, definition_uid);
CREATE INDEX idx_violations_status ON violations (status, status_category);

CREATE TABLE connector_state (
  instance TEXT PRIMARY KEY,
  connector_id TEXT NOT NULL,
  state TEXT NOT NULL,
  run_id INTEGER,
  updated_at TEXT NOT NULL
);

CREATE TABLE quarantine (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id INTEGER NOT NULL REFERENCES sync_runs (id),
  connector_instance TEXT NOT NULL,
  entity TEXT NOT NULL,
  position TEXT NOT NULL,
  reason TEXT NOT NULL,
  raw TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX idx_quarantine_run ON quarantine (run_id);
CREATE INDEX idx_quarantine_instance ON quarantine (connector_instance, entity);

CREATE TABLE sync_lock (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  token TEXT NOT NULL,
  pid INTEGER NOT NULL,
  hostname TEXT NOT NULL,
  instance TEXT NOT NULL,
  started_at TEXT NOT NULL
);

CREATE VIEW v_policy_pass_rate AS
SELECT
  v.connector_instance,
  v.policy_uid,
  p.title AS policy_title,
  SUM(v.status = 'passed') AS passed,
  SUM(v.status = 'failed') AS failed,
  SUM(v.status = 'error') AS error,
  SUM(v.status = 'unknown') AS unknown,
  COUNT(*) AS total,
  ROUND(CAST(SUM(v.status = 'passed') AS REAL) / COUNT(*), 4) AS pass_rate
FROM violations v
LEFT JOIN policies p ON p.connector_instance = v.connector_instance AND p.uid = v.policy_uid
WHERE v.closed_at IS NULL
GROUP BY v.connector_instance, v.policy_uid;

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
  SUM(v.status = 'failed') AS failing,
  SUM(v.status = 'error') AS errors,
  SUM(v.status = 'passed') AS passed,
  COUNT(*) AS total
FROM violations v
LEFT JOIN hosts h ON h.connector_instance = v.connector_instance AND h.uid = v.host_uid
WHERE v.closed_at IS NULL
GROUP BY v.connector_instance, v.host_uid
ORDER BY failing DESC, errors DESC, v.connector_instance, v.host_uid;

CREATE VIEW v_latest_sync_runs AS
SELECT r.*
FROM sync_runs r
WHERE r.id = (SELECT MAX(r2.id) FROM sync_runs r2 WHERE r2.instance = r.instance);
`;

/**
 * Compliance over time (issue 14). `status_changes` is an append-only log: the store's record
 * writer adds a row, in the batch's transaction, whenever a finding's status or status category
 * differs from what the database held (first sight included), and closing as absent adds one.
 * It is narrow (the finding's key, statuses, origin, run, times) and has no secondary index, no
 * declared foreign keys and no CHECK constraints on purpose: the first sync logs every finding, and each extra column,
 * index or reference check cost every logged row on the sync's hot path (measured: 16 columns
 * cost 2.6x the insert time of these 10). A finding's host, policy, control, technology and
 * control instance never change for its uid, so the views join them from `violations`.
 * Join keys: (connector_instance, finding_uid) -> violations (connector_instance, uid);
 * run_id -> sync_runs.id.
 *
 * Pseudo-status 'absent' = no longer reported (closed as absent from a complete sync).
 */
const historyStatuses = "'passed', 'failed', 'error', 'unknown', 'absent'";

const changeColumns = `connector_instance, finding_uid, from_status, to_status, from_category, to_category,
    origin, run_id, changed_at, seen_at`;

const historySchema = `
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

export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: 'initial schema: entities, runs, state, quarantine, lock, views',
    sql: initialSchema,
  },
  {
    version: 2,
    // Four statuses make the index nearly useless for reads (a 'failed' filter still touches a
    // large share of the table), while every violation write paid for it: about 8% of the
    // store's write time on a PCRS sync (issue 7).
    description: 'drop the low-selectivity violations status index',
    sql: 'DROP INDEX IF EXISTS idx_violations_status;',
  },
  {
    version: 3,
    // Issue 12: the HTTP client's recent call starts per API and subscription outlive the
    // process, so the next run (or a `check` right after a sync) starts from the real rate
    // window; and a run records the time the server throttled it apart from its retries.
    description: 'rate windows per API and subscription; throttled waits on sync runs',
    sql: `
CREATE TABLE rate_windows (
  api TEXT NOT NULL,
  subscription TEXT NOT NULL,
  starts TEXT NOT NULL DEFAULT '[]',
  limit_requests INTEGER,
  limit_per_ms INTEGER,
  paused_until INTEGER,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (api, subscription)
);
ALTER TABLE sync_runs ADD COLUMN throttled_waits INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_runs ADD COLUMN throttled_wait_ms INTEGER NOT NULL DEFAULT 0;
`,
  },
  {
    version: 4,
    description: 'compliance over time: status change log, per-run posture snapshots, history and BI views',
    sql: historySchema,
  },
  {
    version: 5,
    // Issue 16: the store is vendor-neutral; the source's own host ID (Qualys' QG host ID for
    // both Qualys connectors) is `source_host_id`. SQLite rewrites the views that use it.
    description: "hosts.qualys_host_id renamed source_host_id (the source's own host ID)",
    sql: 'ALTER TABLE hosts RENAME COLUMN qualys_host_id TO source_host_id;',
  },
];

export const latestSchemaVersion = migrations.reduce((max, migration) => Math.max(max, migration.version), 0);
