import { type CompletedScope, compositeId, type Host, normalizeStatus } from '@posturesync/core';
import {
  buildHost,
  type ControlInfo,
  mapDefinition,
  mapViolation,
  numericHostId,
  qgHostId,
  UnparsableDate,
} from './map-report-row.ts';
import type { MappedBatch, ReportMapperOptions } from './mapped-batch.ts';
import {
  countOf,
  emptyReadCounts,
  type ReadCounts,
  type Shortfall,
  type SummaryCounts,
} from './report-counts.ts';
import { placeholderPolicy, type SummaryFields, summaryPolicy } from './report-policy-record.ts';
import {
  describePosition,
  type FieldValues,
  type HostField,
  type ReportItem,
  type ReportPosition,
  type ResultField,
} from './report-records.ts';

/**
 * What joins need about one host for the rest of the report. Issue 7: the full Host record
 * is rebuilt from `fields` when it is emitted and dropped once its batch is drained, so a
 * report's memory does not grow with full host records (raw, address lists) per host.
 */
interface HostEntry {
  uid: string;
  /** What the record is built from: the same fields always build the same record. */
  fields: FieldValues<HostField>;
  tags: string[];
  emitted: boolean;
  /** The record while it sits in the pending batch (later tag merges reach it, as before). */
  host: Host | null;
}

/**
 * Turns neutral report records into model records, holding only what joins need: hosts by
 * IP and ID (results name their host by IP or Qualys host ID) and the definitions already
 * emitted. Hosts are emitted with their first result, so every batch is self-contained.
 */
export class ReportMapper {
  readonly #options: ReportMapperOptions;
  readonly #hostsById = new Map<string, HostEntry>();
  readonly #hostsByIp = new Map<string, HostEntry>();
  readonly #controls = new Map<string, ControlInfo>();
  readonly #definitions = new Set<string>();
  readonly #policyIds = new Set<string>();
  readonly #summaryCounts = new Map<string, SummaryCounts>();
  readonly #readCounts = new Map<string, ReadCounts>();
  #currentPolicyId: string | null = null;
  #pending: MappedBatch = ReportMapper.#emptyBatch();
  /** Entries whose record is in `#pending`: released by `drain`. */
  #pendingEntries: HostEntry[] = [];
  #results = 0;
  #counts = { passed: 0, failed: 0, error: 0, unknown: 0 };

  constructor(options: ReportMapperOptions) {
    this.#options = options;
  }

  static #emptyBatch(): MappedBatch {
    return { hosts: [], policies: [], definitions: [], violations: [], rejects: [], warnings: [] };
  }

  get pendingViolations(): number {
    return this.#pending.violations.length;
  }

  get resultCount(): number {
    return this.#results;
  }

  get statusCounts(): Readonly<Record<'passed' | 'failed' | 'error' | 'unknown', number>> {
    return this.#counts;
  }

  /** The policies the report covered (for completed scopes). */
  get policyIds(): string[] {
    return [...this.#policyIds];
  }

  /**
   * Policies whose RESULTS hold fewer rows, in total or for a status, than SUMMARY counts. A CSV
   * has no end marker, so a download cut cleanly between two rows is only seen here. Host
   * Statistics cannot serve: it counts controls the template may not show in RESULTS.
   */
  shortfalls(): Shortfall[] {
    const found: Shortfall[] = [];
    for (const [policyUid, expected] of this.#summaryCounts) {
      const read = this.#readCounts.get(policyUid) ?? emptyReadCounts();
      const short = (want: number | null, got: number) => want !== null && got < want;
      if (
        short(expected.controlInstances, read.total) ||
        short(expected.passed, read.passed) ||
        short(expected.failed, read.failed) ||
        short(expected.error, read.error)
      ) {
        found.push({ policyUid, expected, read: { ...read } });
      }
    }
    return found;
  }

  completedScopes(): CompletedScope[] {
    return this.policyIds.map((policyUid) => ({ policyUid, network: this.#options.network }));
  }

  /** Takes what is ready; hosts not yet referenced by a result stay until `finish`. */
  drain(): MappedBatch {
    const batch = this.#pending;
    this.#pending = ReportMapper.#emptyBatch();
    for (const entry of this.#pendingEntries) entry.host = null;
    this.#pendingEntries = [];
    return batch;
  }

  /** Emits the hosts no result referenced (e.g. hosts without any result). */
  finish(): MappedBatch {
    const seen = new Set<HostEntry>();
    for (const entry of [...this.#hostsById.values(), ...this.#hostsByIp.values()]) {
      if (seen.has(entry)) continue;
      seen.add(entry);
      if (!entry.emitted) this.#emit(entry);
    }
    return this.drain();
  }

  accept(item: ReportItem): void {
    switch (item.kind) {
      case 'header':
        return;
      case 'policy':
        this.#acceptPolicy(item.fields, item.position);
        return;
      case 'control': {
        const controlId = item.fields.controlId;
        if (!controlId) return;
        this.#controls.set(compositeId(item.fields.policyId ?? this.#currentPolicyId, controlId), {
          statement: item.fields.statement,
          criticalityLabel: item.fields.criticalityLabel,
          criticalityValue: item.fields.criticalityValue,
          deprecated: item.fields.deprecated,
        });
        return;
      }
      case 'host':
        this.#acceptHost(item.fields, item.tags, item.position);
        return;
      case 'hostTags': {
        const entry = this.#hostsByIp.get(item.ip);
        if (!entry) return;
        this.#setTags(entry, [...new Set([...entry.tags, ...item.tags])]);
        // Tags after the host was stored: store it again (an upsert) with its tags.
        if (entry.emitted) this.#emit(entry);
        return;
      }
      case 'result':
        this.#acceptResult(item.fields, item.tags, item.position);
        return;
    }
  }

  #position(position: ReportPosition): string {
    return `report ${this.#options.reportId} ${describePosition(position)}`;
  }

  #acceptPolicy(fields: SummaryFields, position: ReportPosition) {
    // The ID resolved for the report (configured, launched or looked up by title) when the row has none.
    const policyId = fields.policyId ?? this.#options.fallbackPolicyId ?? null;
    if (!policyId) {
      this.#pending.rejects.push({
        entity: 'policies',
        position: this.#position(position),
        reason:
          'the SUMMARY row names no policy ID and none was resolved (set policyId in the connector configuration)',
        raw: fields,
      });
      return;
    }
    this.#currentPolicyId = policyId;
    this.#policyIds.add(policyId);
    this.#summaryCounts.set(policyId, {
      controlInstances: countOf(fields.controlInstances),
      passed: countOf(fields.passed),
      failed: countOf(fields.failed),
      error: countOf(fields.error),
    });
    this.#pending.policies.push(summaryPolicy(policyId, fields, this.#options.sourceName));
  }

  #index(host: Host, fields: FieldValues<HostField>): HostEntry {
    const entry: HostEntry = { uid: host.uid, fields, tags: host.tags, emitted: false, host: null };
    this.#hostsById.set(host.uid, entry);
    const qgId = host.sourceHostId;
    if (qgId) this.#hostsById.set(`qg:${qgId}`, entry);
    for (const address of host.ipAddresses) {
      if (!this.#hostsByIp.has(address)) this.#hostsByIp.set(address, entry);
      const key = fields.network ? ReportMapper.#networkKey(fields.network, address) : null;
      if (key && !this.#hostsByIp.has(key)) this.#hostsByIp.set(key, entry);
    }
    return entry;
  }

  /** The report's own NETWORK name with an IP: the same IP may be two hosts in two networks. */
  static #networkKey(network: string, ip: string): string {
    return `${network}\u0000${ip}`;
  }

  #setTags(entry: HostEntry, tags: string[]): void {
    entry.tags = tags;
    if (entry.host) entry.host.tags = tags;
  }

  /** Queues the host's record: the pending one again, or one rebuilt from its fields. */
  #emit(entry: HostEntry): void {
    entry.emitted = true;
    if (!entry.host) {
      const host = buildHost(entry.fields, entry.tags, this.#options);
      // Built from fields that built a record before, so it cannot fail now.
      if (typeof host === 'string') throw new Error(`host ${entry.uid} no longer builds: ${host}`);
      host.tags = entry.tags;
      entry.host = host;
      this.#pendingEntries.push(entry);
    }
    this.#pending.hosts.push(entry.host);
  }

  #acceptHost(fields: FieldValues<HostField>, tags: string[], position: ReportPosition): void {
    let host: Host | string;
    try {
      host = buildHost(fields, tags, this.#options);
    } catch (error) {
      if (!(error instanceof UnparsableDate)) throw error;
      host = `unparsable last scan date ${JSON.stringify(error.message)}`;
    }
    if (typeof host === 'string') {
      this.#pending.rejects.push({
        entity: 'hosts',
        position: this.#position(position),
        reason: host,
        raw: fields,
      });
      return;
    }
    const existing = this.#hostsById.get(host.uid);
    if (existing) {
      this.#setTags(existing, [...new Set([...existing.tags, ...host.tags])]);
      return;
    }
    this.#index(host, fields);
  }

  #hostForResult(fields: FieldValues<ResultField>, tags: string[]): HostEntry | string {
    const numericId = numericHostId(fields);
    const qgId = qgHostId(fields);
    const known =
      (numericId ? this.#hostsById.get(numericId) : undefined) ??
      (qgId ? this.#hostsById.get(`qg:${qgId}`) : undefined) ??
      (fields.ip && fields.network
        ? this.#hostsByIp.get(ReportMapper.#networkKey(fields.network, fields.ip))
        : undefined) ??
      (fields.ip ? this.#hostsByIp.get(fields.ip) : undefined);
    if (known) {
      if (tags.length > 0 && tags.some((tag) => !known.tags.includes(tag))) {
        this.#setTags(known, [...new Set([...known.tags, ...tags])]);
        if (known.emitted) this.#emit(known);
      }
      return known;
    }
    const hostFields: FieldValues<HostField> = {
      ip: fields.ip,
      trackingMethod: fields.trackingMethod,
      dns: fields.dns,
      netbios: fields.netbios,
      os: fields.os,
      lastScanDate: fields.lastScanDate,
      percentage: null,
      sourceHostId: fields.sourceHostId,
      hostId: fields.hostId,
      network: fields.network,
    };
    const host = buildHost(hostFields, tags, this.#options);
    if (typeof host === 'string') return host;
    return this.#index(host, hostFields);
  }

  #acceptResult(fields: FieldValues<ResultField>, tags: string[], position: ReportPosition): void {
    const reject = (reason: string) => {
      this.#pending.rejects.push({
        entity: 'violations',
        position: this.#position(position),
        reason,
        raw: fields,
      });
    };
    const policyId = fields.policyId ?? this.#currentPolicyId ?? this.#options.fallbackPolicyId ?? null;
    if (!policyId) {
      reject(
        'the report names no policy (no SUMMARY section) and none was configured (set policyId in the connector configuration)',
      );
      return;
    }
    const read = this.#readCounts.get(policyId) ?? emptyReadCounts();
    this.#readCounts.set(policyId, read);
    read.total += 1;
    read[normalizeStatus(fields.status)] += 1;
    if (!fields.controlId) {
      reject('the result has no control ID');
      return;
    }
    if (!fields.status) {
      reject('the result has no status');
      return;
    }
    try {
      const entry = this.#hostForResult(fields, tags);
      if (typeof entry === 'string') {
        reject(entry);
        return;
      }
      const violation = mapViolation(fields, policyId, entry.uid, this.#options);
      if (!entry.emitted) this.#emit(entry);
      if (!this.#policyIds.has(policyId)) {
        this.#policyIds.add(policyId);
        this.#pending.policies.push(placeholderPolicy(policyId, this.#options.sourceName));
      }
      if (!this.#definitions.has(violation.definitionUid)) {
        this.#definitions.add(violation.definitionUid);
        this.#pending.definitions.push(
          mapDefinition(fields, policyId, violation.definitionUid, this.#controls, this.#options.sourceName),
        );
      }
      this.#pending.violations.push(violation);
      this.#results += 1;
      this.#counts[violation.status] += 1;
    } catch (error) {
      if (!(error instanceof UnparsableDate)) throw error;
      reject(`unparsable date ${JSON.stringify(error.message)}`);
    }
  }
}

export type { MappedBatch, ReportMapperOptions } from './mapped-batch.ts';
export { type ReadCounts, type Shortfall, type SummaryCounts, shortfallWarning } from './report-counts.ts';
