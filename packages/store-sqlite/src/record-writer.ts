import type { Host, Policy, Violation, ViolationDefinition } from '@posturesync/core';
import type { RecordCounts, RecordSet, WriteScope } from '@posturesync/engine';
import type Database from 'better-sqlite3';
import { StatusChangeLog } from './status-change-log.ts';

type Row = Array<string | number | null>;

/**
 * Builds `INSERT ... ON CONFLICT(connector_instance, uid) DO UPDATE` keeping first_seen_run_id.
 * `kept` columns are left out of the update (see `#violationKeepingKeys`).
 */
function upsertSql(
  table: string,
  columns: readonly string[],
  extraUpdates: readonly string[] = [],
  kept: readonly string[] = [],
): string {
  const all = [
    'connector_instance',
    'uid',
    'source_name',
    'first_seen_run_id',
    'last_seen_run_id',
    'last_seen_generation',
    'updated_at',
    ...columns,
  ];
  const updates = all
    .filter(
      (column) =>
        column !== 'connector_instance' &&
        column !== 'uid' &&
        column !== 'first_seen_run_id' &&
        !kept.includes(column),
    )
    .map((column) => `${column} = excluded.${column}`)
    .concat(extraUpdates);
  return `INSERT INTO ${table} (${all.join(', ')}) VALUES (${all.map(() => '?').join(', ')})
ON CONFLICT (connector_instance, uid) DO UPDATE SET ${updates.join(', ')}`;
}

const hostColumns = [
  'hostname',
  'ip_addresses',
  'public_ip_addresses',
  'private_ip_addresses',
  'dns_names',
  'netbios',
  'os',
  'tracking_method',
  'network',
  'network_id',
  'source_host_id',
  'asset_id',
  'last_scanned',
  'raw',
] as const;

const policyColumns = [
  'title',
  'status',
  'locked',
  'created_by',
  'created_date',
  'modified_date',
  'last_evaluated',
  'raw',
] as const;

const definitionColumns = [
  'policy_uid',
  'control_id',
  'technology_id',
  'technology_name',
  'statement',
  'description',
  'recommendation',
  'control_reference',
  'criticality_label',
  'criticality_value',
  'severity',
  'deprecated',
  'source_created',
  'source_last_modified',
  'raw',
] as const;

const violationColumns = [
  'host_uid',
  'policy_uid',
  'definition_uid',
  'control_id',
  'technology_id',
  'instance',
  'status',
  'previous_status',
  'status_category',
  'first_failed',
  'last_failed',
  'first_passed',
  'last_passed',
  'last_evaluated',
  'source_last_modified',
  'expected_value',
  'actual_value',
  'evidence',
  'cause_of_failure',
  'exception',
  'network',
  'raw',
] as const;

/** Violation columns with an index of their own (`idx_violations_host`, `idx_violations_definition`). */
const indexedKeys = ['host_uid', 'definition_uid'] as const;

function flag(value: boolean | null): number | null {
  return value === null ? null : value ? 1 : 0;
}

/** JSON text for nullable nested values; `undefined` and `null` both become SQL NULL. */
function jsonOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

/**
 * Writes model records with statements prepared once per connection. This is the sync's
 * hot path: rows are bound positionally from the already-validated objects, nested values
 * are stringified once, nothing is parsed back.
 */
export class RecordWriter {
  readonly #host: Database.Statement<[Row]>;
  readonly #deleteTags: Database.Statement<[string, string]>;
  readonly #insertTag: Database.Statement<[string, string, string]>;
  readonly #policy: Database.Statement<[Row]>;
  readonly #definition: Database.Statement<[Row]>;
  readonly #violation: Database.Statement<[Row]>;
  /**
   * The upsert of a finding whose host and definition are what the row already holds (always,
   * in practice: the source derives the finding's uid from them). SQLite rewrites the entries of
   * every index on a column an UPDATE assigns, even to the same value, so leaving these columns
   * out of the update spares two index deletes and inserts per unchanged re-sync write. When they
   * do differ the WHERE makes it write nothing (`changes` 0) and `#violation` writes the row.
   */
  readonly #violationKeepingKeys: Database.Statement<[Row]>;
  readonly #changes: StatusChangeLog;

  constructor(db: Database.Database) {
    this.#changes = new StatusChangeLog(db);
    this.#host = db.prepare<[Row]>(upsertSql('hosts', hostColumns));
    this.#deleteTags = db.prepare('DELETE FROM host_tags WHERE connector_instance = ? AND host_uid = ?');
    this.#insertTag = db.prepare(
      'INSERT OR IGNORE INTO host_tags (connector_instance, host_uid, tag) VALUES (?, ?, ?)',
    );
    this.#policy = db.prepare<[Row]>(upsertSql('policies', policyColumns));
    this.#definition = db.prepare<[Row]>(upsertSql('violation_definitions', definitionColumns));
    // A finding seen again is live again: clear any earlier absent-from-sync closing.
    const reopen = ['closed_at = NULL', 'closed_reason = NULL', 'closed_run_id = NULL', 'stale = 0'];
    this.#violation = db.prepare<[Row]>(upsertSql('violations', violationColumns, reopen));
    this.#violationKeepingKeys = db.prepare<[Row]>(
      `${upsertSql('violations', violationColumns, reopen, indexedKeys)}
       WHERE ${indexedKeys.map((column) => `violations.${column} IS excluded.${column}`).join(' AND ')}`,
    );
  }

  /** Must run inside a transaction (the caller batches many records into one). */
  write(scope: WriteScope, records: RecordSet): RecordCounts {
    const now = scope.now ?? new Date().toISOString();
    const { instance, runId, generation } = scope;
    const counts: RecordCounts = { hosts: 0, policies: 0, definitions: 0, violations: 0 };
    if (records.hosts) {
      for (const host of records.hosts) this.#writeHost(instance, runId, generation, now, host);
      counts.hosts = records.hosts.length;
    }
    if (records.policies) {
      for (const policy of records.policies) this.#writePolicy(instance, runId, generation, now, policy);
      counts.policies = records.policies.length;
    }
    if (records.definitions) {
      for (const definition of records.definitions) {
        this.#writeDefinition(instance, runId, generation, now, definition);
      }
      counts.definitions = records.definitions.length;
    }
    if (records.violations) {
      // Compared with the stored findings before they are overwritten, in this transaction.
      this.#changes.logBatch(instance, runId, now, records.violations);
      for (const violation of records.violations) {
        this.#writeViolation(instance, runId, generation, now, violation);
      }
      counts.violations = records.violations.length;
    }
    return counts;
  }

  #writeHost(instance: string, runId: number, generation: number, now: string, host: Host): void {
    this.#host.run([
      instance,
      host.uid,
      host.sourceName,
      runId,
      runId,
      generation,
      now,
      host.hostname,
      JSON.stringify(host.ipAddresses),
      JSON.stringify(host.publicIpAddresses),
      JSON.stringify(host.privateIpAddresses),
      JSON.stringify(host.dnsNames),
      host.netbios,
      host.os,
      host.trackingMethod,
      host.network,
      host.networkId,
      host.sourceHostId,
      host.assetId,
      host.lastScanned,
      JSON.stringify(host.raw),
    ]);
    this.#deleteTags.run(instance, host.uid);
    for (const tag of host.tags) this.#insertTag.run(instance, host.uid, tag);
  }

  #writePolicy(instance: string, runId: number, generation: number, now: string, policy: Policy): void {
    this.#policy.run([
      instance,
      policy.uid,
      policy.sourceName,
      runId,
      runId,
      generation,
      now,
      policy.title,
      policy.status,
      flag(policy.locked),
      policy.createdBy,
      policy.createdDate,
      policy.modifiedDate,
      policy.lastEvaluated,
      JSON.stringify(policy.raw),
    ]);
  }

  #writeDefinition(
    instance: string,
    runId: number,
    generation: number,
    now: string,
    definition: ViolationDefinition,
  ): void {
    this.#definition.run([
      instance,
      definition.uid,
      definition.sourceName,
      runId,
      runId,
      generation,
      now,
      definition.policyUid,
      definition.controlId,
      definition.technologyId,
      definition.technologyName,
      definition.statement,
      definition.description,
      definition.recommendation,
      definition.controlReference,
      definition.criticalityLabel,
      definition.criticalityValue,
      definition.severity,
      flag(definition.deprecated),
      definition.sourceCreated,
      definition.sourceLastModified,
      JSON.stringify(definition.raw),
    ]);
  }

  #writeViolation(
    instance: string,
    runId: number,
    generation: number,
    now: string,
    violation: Violation,
  ): void {
    const row: Row = [
      instance,
      violation.uid,
      violation.sourceName,
      runId,
      runId,
      generation,
      now,
      violation.hostUid,
      violation.policyUid,
      violation.definitionUid,
      violation.controlId,
      violation.technologyId,
      violation.instance,
      violation.status,
      violation.previousStatus,
      violation.statusCategory,
      violation.firstFailed,
      violation.lastFailed,
      violation.firstPassed,
      violation.lastPassed,
      violation.lastEvaluated,
      violation.sourceLastModified,
      violation.expectedValue,
      violation.actualValue,
      jsonOrNull(violation.evidence),
      jsonOrNull(violation.causeOfFailure),
      jsonOrNull(violation.exception),
      violation.network,
      JSON.stringify(violation.raw),
    ];
    if (this.#violationKeepingKeys.run(row).changes === 0) this.#violation.run(row);
  }
}
