import type { RecordCounts, Store } from '@posturesync/core';

const tables: Record<keyof RecordCounts, string> = {
  hosts: 'hosts',
  policies: 'policies',
  definitions: 'violation_definitions',
  violations: 'violations',
};

/**
 * What a run left in the database: the rows of the instance that this run wrote last. The
 * engine's counts are what the connector delivered, so a record delivered twice (a host in two
 * policies, a definition in every slice, a report fetched again) counts twice there but is one
 * row here; the summary prints this number as "stored" and the difference as passed over.
 */
export function storedByRun(store: Store, instance: string, runId: number): RecordCounts {
  const count = (table: string) =>
    (
      store.database
        .prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE connector_instance = ? AND last_seen_run_id = ?`)
        .get(instance, runId) as { n: number }
    ).n;
  return {
    hosts: count(tables.hosts),
    policies: count(tables.policies),
    definitions: count(tables.definitions),
    violations: count(tables.violations),
  };
}
