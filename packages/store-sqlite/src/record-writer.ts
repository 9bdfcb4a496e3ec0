import type { Host, Policy, ViolationDefinition } from '@posturesync/core';
import type { RecordCounts, RecordSet, WriteScope } from '@posturesync/engine';
import type Database from 'better-sqlite3';
import { StatusChangeLog } from './status-change-log.ts';
import { ViolationWriter } from './violation-writer.ts';

type Row = Array<string | number | null>;

/** Builds `INSERT ... ON CONFLICT(connector_instance, uid) DO UPDATE` keeping first_seen_run_id. */
function upsertSql(table: string, columns: readonly string[]): string {
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
    .filter((column) => column !== 'connector_instance' && column !== 'uid' && column !== 'first_seen_run_id')
    .map((column) => `${column} = excluded.${column}`);
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

function flag(value: boolean | null): number | null {
  return value === null ? null : value ? 1 : 0;
}

/**
 * Writes model records with statements prepared once per connection. This is the sync's
 * hot path: rows are bound positionally from the already-validated objects, nested values
 * are stringified once, nothing is parsed back. Findings, nearly all of a sync's rows, go
 * through `ViolationWriter` (many per statement).
 */
export class RecordWriter {
  readonly #host: Database.Statement<[Row]>;
  readonly #deleteTags: Database.Statement<[string, string]>;
  readonly #insertTag: Database.Statement<[string, string, string]>;
  readonly #policy: Database.Statement<[Row]>;
  readonly #definition: Database.Statement<[Row]>;
  readonly #violations: ViolationWriter;
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
    this.#violations = new ViolationWriter(db);
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
      this.#violations.write({ instance, run: runId, generation, now }, records.violations);
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
}
