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
import type Database from 'better-sqlite3';
import { historySchema } from './history-schema.ts';

export interface Migration {
  version: number;
  description: string;
  sql: string;
  /** Runs after `sql`, in the same transaction, for a step plain SQL cannot express. */
  apply?: (database: Database.Database) => void;
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
  source_host_id TEXT,
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
    // Issue 16: the store is vendor-neutral, so the source's own host ID column is
    // `source_host_id`. Migration 1 once named it after the first source (the only edit ever
    // made to a released migration: a column name, nothing else). A database created before
    // that has the old name at the same place, between network_id and asset_id; this renames
    // it, and SQLite rewrites the views that use it. New databases already have the new name.
    description: "hosts: the source's own host ID column is named source_host_id",
    sql: '',
    apply: renameSourceHostIdColumn,
  },
];

function renameSourceHostIdColumn(database: Database.Database): void {
  const columns = (database.prepare('PRAGMA table_info(hosts)').all() as Array<{ name: string }>).map(
    (column) => column.name,
  );
  if (columns.includes('source_host_id')) return;
  const legacy = columns[columns.indexOf('network_id') + 1];
  if (legacy === undefined || columns[columns.indexOf('network_id') + 2] !== 'asset_id') {
    throw new Error(
      `hosts has an unexpected layout (${columns.join(', ')}); cannot find the source host ID column`,
    );
  }
  database.exec(`ALTER TABLE hosts RENAME COLUMN "${legacy.replaceAll('"', '""')}" TO source_host_id`);
}

export const latestSchemaVersion = migrations.reduce((max, migration) => Math.max(max, migration.version), 0);
