import type { SqliteStore } from '../../../src/sqlite-store.ts';

/**
 * The data rows of a store without run bookkeeping (run ids, generations, timestamps), so a
 * resumed sync can be compared with a clean one row for row.
 */
export function dataSnapshot(store: SqliteStore): Record<string, unknown[]> {
  const query = (sql: string) => store.database.prepare(sql).all();
  return {
    hosts: query(
      `SELECT connector_instance, uid, source_name, hostname, ip_addresses, public_ip_addresses,
         private_ip_addresses, dns_names, netbios, os, tracking_method, network, network_id, source_host_id,
         asset_id, last_scanned, raw FROM hosts ORDER BY connector_instance, uid`,
    ),
    hostTags: query('SELECT * FROM host_tags ORDER BY connector_instance, host_uid, tag'),
    policies: query(
      `SELECT connector_instance, uid, source_name, title, status, locked, created_by, created_date,
         modified_date, last_evaluated, raw FROM policies ORDER BY connector_instance, uid`,
    ),
    definitions: query(
      `SELECT connector_instance, uid, source_name, policy_uid, control_id, technology_id, technology_name,
         statement, description, recommendation, control_reference, criticality_label, criticality_value,
         severity, deprecated, source_created, source_last_modified, raw
       FROM violation_definitions ORDER BY connector_instance, uid`,
    ),
    violations: query(
      `SELECT connector_instance, uid, source_name, host_uid, policy_uid, definition_uid, control_id,
         technology_id, instance, status, previous_status, status_category, first_failed, last_failed,
         first_passed, last_passed, last_evaluated, source_last_modified, expected_value, actual_value,
         evidence, cause_of_failure, exception, network, raw, closed_at IS NOT NULL AS closed, closed_reason, stale
       FROM violations ORDER BY connector_instance, uid`,
    ),
  };
}

/**
 * The status change log without run ids and times, in write order per finding, so a resumed
 * sync's log can be compared with a clean one's.
 */
export function changeLog(store: SqliteStore): unknown[] {
  return store.database
    .prepare(
      `SELECT connector_instance, finding_uid, from_status, to_status, from_category, to_category, origin, changed_at
       FROM status_changes ORDER BY connector_instance, finding_uid, id`,
    )
    .all();
}

/** Every table's content as text, to prove a secret never reached the database. */
export function databaseText(store: SqliteStore): string {
  const tables = store.database
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
    .all() as Array<{
    name: string;
  }>;
  return tables
    .map(({ name }) => JSON.stringify(store.database.prepare(`SELECT * FROM "${name}"`).all()))
    .join('\n');
}
