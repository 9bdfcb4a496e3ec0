import type { Host, RejectedRecord, Violation, ViolationDefinition } from '@posturesync/core';
import {
  compositeId,
  echoValue,
  normalizeStatus,
  severityFromCriticality,
  splitIpAddresses,
  statusCategoryOf,
} from '@posturesync/core';
import { BoundedKeySet, createDateNormalizer, type DateValue, idOf, stringOrNull } from './field-values.ts';

/** Mapped output of one or more posture records, ready for a RecordBatch. */
export interface MappedRecords {
  hosts: Host[];
  definitions: ViolationDefinition[];
  violations: Violation[];
  rejects: RejectedRecord[];
}

export function emptyMappedRecords(): MappedRecords {
  return { hosts: [], definitions: [], violations: [], rejects: [] };
}

export interface Criticality {
  label: string | null;
  value: number | null;
}

/**
 * The inner keys of `criticality` are not documented for PCRS JSON; `{label, value}` is the
 * best evidence (the XML has LABEL/VALUE). Accepts either case, a numeric string, or a bare
 * label string, and falls back to unknown instead of failing.
 */
export function parseCriticality(raw: unknown): Criticality {
  if (typeof raw === 'string') return { label: raw === '' ? null : raw, value: null };
  if (typeof raw === 'number') return { label: null, value: validCriticality(raw) };
  if (raw === null || typeof raw !== 'object') return { label: null, value: null };
  const object = raw as Record<string, unknown>;
  const label = object.label ?? object.LABEL ?? object.Label;
  const value = object.value ?? object.VALUE ?? object.Value;
  return {
    label: typeof label === 'string' && label !== '' ? label : null,
    value: validCriticality(typeof value === 'string' ? Number(value.trim()) : value),
  };
}

function validCriticality(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 5 ? value : null;
}

function technologyNameOf(technology: unknown): string | null {
  if (technology === null || typeof technology !== 'object') return null;
  const object = technology as Record<string, unknown>;
  const name = object.name ?? object.NAME ?? object.technologyName;
  return typeof name === 'string' && name !== '' ? name : null;
}

export interface PostureRecordMapperOptions {
  sourceName: string;
  /** How many host and definition keys to remember for per-run deduplication. */
  maxRememberedKeys?: number;
}

const dateFields = [
  'firstFailDate',
  'lastFailDate',
  'firstPassDate',
  'lastPassDate',
  'lastEvaluatedDate',
  'postureModifiedDate',
  'created',
  'complianceLastScanDate',
] as const;

/**
 * Maps flat posture records to Host / ViolationDefinition / Violation. No schema validation
 * here: this is the hot path and the engine validates every row before it is stored.
 * Hosts and definitions are emitted once per run (bounded memory), violations always.
 */
export class PostureRecordMapper {
  readonly #sourceName: string;
  readonly #hosts: BoundedKeySet;
  readonly #definitions: BoundedKeySet;
  readonly #date = createDateNormalizer();

  constructor(options: PostureRecordMapperOptions) {
    this.#sourceName = options.sourceName;
    this.#hosts = new BoundedKeySet(options.maxRememberedKeys ?? 500_000);
    this.#definitions = new BoundedKeySet(options.maxRememberedKeys ?? 500_000);
  }

  get sourceName(): string {
    return this.#sourceName;
  }

  /**
   * Issue 18: keeps of `records` (mapped by another mapper, in a worker, which deduplicated
   * within its body only) the hosts and definitions this mapper has not emitted yet, and
   * remembers them. Call it when the batch is queued for the engine, in queue order, so a
   * host or definition travels with the first batch that needs it, exactly as in-thread.
   */
  admit(records: MappedRecords): MappedRecords {
    if (records.hosts.length > 0) records.hosts = records.hosts.filter((host) => this.#hosts.add(host.uid));
    if (records.definitions.length > 0) {
      records.definitions = records.definitions.filter((definition) => this.#definitions.add(definition.uid));
    }
    return records;
  }

  /**
   * Issue 6: forgets the hosts and definitions first mapped into `discarded`, records that were
   * never handed to the engine because their call failed mid-body. Without this the retried call
   * would map the same records again but skip those hosts and definitions as "already emitted",
   * and a first sync would store violations whose host and definition are missing.
   */
  forget(discarded: MappedRecords): void {
    for (const host of discarded.hosts) this.#hosts.delete(host.uid);
    for (const definition of discarded.definitions) this.#definitions.delete(definition.uid);
  }

  /**
   * Maps one parsed record into `into`. `fallbackPolicyId` is the policy the request asked
   * for, used when a record lacks its own `policyId`. `position` is built only on a reject.
   */
  map(record: unknown, fallbackPolicyId: string, into: MappedRecords, position: () => string): void {
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      into.rejects.push({
        entity: 'violations',
        position: position(),
        reason: 'record is not a JSON object',
        raw: record,
      });
      return;
    }
    const r = record as Record<string, unknown>;
    const uid = idOf(r.id);
    const hostUid = idOf(r.hostId);
    const policyUid = idOf(r.policyId) ?? fallbackPolicyId;
    const controlId = idOf(r.controlId);
    if (uid === undefined || hostUid === undefined || controlId === undefined) {
      const missing = [
        uid === undefined ? 'id' : '',
        hostUid === undefined ? 'hostId' : '',
        controlId === undefined ? 'controlId' : '',
      ]
        .filter(Boolean)
        .join(', ');
      into.rejects.push({
        entity: 'violations',
        position: position(),
        reason: `missing ${missing}`,
        raw: record,
      });
      return;
    }
    const dates: Record<(typeof dateFields)[number], DateValue> = {
      firstFailDate: this.#date(r.firstFailDate),
      lastFailDate: this.#date(r.lastFailDate),
      firstPassDate: this.#date(r.firstPassDate),
      lastPassDate: this.#date(r.lastPassDate),
      lastEvaluatedDate: this.#date(r.lastEvaluatedDate),
      postureModifiedDate: this.#date(r.postureModifiedDate),
      created: this.#date(r.created),
      complianceLastScanDate: this.#date(r.complianceLastScanDate),
    };
    for (const field of dateFields) {
      if (dates[field] === undefined) {
        into.rejects.push({
          entity: 'violations',
          position: position(),
          reason: `unparsable date in ${field}: ${echoValue(r[field])}`,
          raw: record,
        });
        return;
      }
    }

    const technologyId = idOf(r.technologyId) ?? null;
    const definitionUid = compositeId(policyUid, controlId, technologyId);
    if (this.#hosts.add(hostUid))
      into.hosts.push(this.#host(r, hostUid, dates.complianceLastScanDate ?? null));
    if (this.#definitions.add(definitionUid)) {
      const criticality = parseCriticality(r.criticality);
      into.definitions.push({
        uid: definitionUid,
        sourceName: this.#sourceName,
        policyUid,
        controlId,
        technologyId,
        technologyName: technologyNameOf(r.technology),
        statement: stringOrNull(r.controlStatement),
        description: stringOrNull(r.rationale),
        recommendation: stringOrNull(r.remediation),
        controlReference: stringOrNull(r.controlReference),
        criticalityLabel: criticality.label,
        criticalityValue: criticality.value,
        severity: severityFromCriticality(criticality.value),
        deprecated: null,
        sourceCreated: dates.created ?? null,
        sourceLastModified: dates.postureModifiedDate ?? null,
        raw: {
          policyId: r.policyId,
          policyTitle: r.policyTitle,
          controlId: r.controlId,
          technologyId: r.technologyId,
          technology: r.technology ?? null,
          criticality: r.criticality ?? null,
        },
      });
    }

    const {
      controlStatement: _statement,
      rationale: _rationale,
      remediation: _remediation,
      policyTitle: _policyTitle,
      technology: _technology,
      criticality: _criticality,
      evidence,
      causeOfFailure,
      // Host attributes repeat on every record of a host; they live on the Host row (and its raw).
      ip: _ip,
      trackingMethod: _trackingMethod,
      os: _os,
      osCpe: _osCpe,
      domainName: _domainName,
      dns: _dns,
      qgHostid: _qgHostid,
      networkId: _networkId,
      networkName: _networkName,
      complianceLastScanDate: _complianceLastScanDate,
      customerUuid: _customerUuid,
      customerId: _customerId,
      assetId: _assetId,
      // Issue 6: these describe the response the record came in (its slice of hosts), not the
      // finding; kept in raw they made the same finding differ between a full, an incremental
      // and a resumed sync.
      currentDataSizeKB: _currentDataSizeKB,
      totalDataSizeKB: _totalDataSizeKB,
      currentBatch: _currentBatch,
      totalBatches: _totalBatches,
      // Issue 7: fields the violation row already holds in its own columns (IDs, instance and
      // the history dates, normalized without loss) or the Host row holds (the cloud resource).
      // They were over half of every stored row. Kept: the source's status words, `created`
      // (a definition keeps only its first record's), `netBios` and any field we do not know.
      id: _id,
      hostId: _hostId,
      policyId: _policyId,
      controlId: _controlId,
      technologyId: _technologyId,
      controlReference: _controlReference,
      instance: _instance,
      firstFailDate: _firstFailDate,
      lastFailDate: _lastFailDate,
      firstPassDate: _firstPassDate,
      lastPassDate: _lastPassDate,
      postureModifiedDate: _postureModifiedDate,
      lastEvaluatedDate: _lastEvaluatedDate,
      CLOUD_RESOURCE_ID: _cloudResourceId,
      ...raw
    } = r;
    const status = normalizeStatus(typeof r.status === 'string' ? r.status : null);
    const previous =
      typeof r.previousStatus === 'string' && r.previousStatus !== '' ? r.previousStatus : null;
    into.violations.push({
      uid,
      sourceName: this.#sourceName,
      hostUid,
      policyUid,
      definitionUid,
      controlId,
      technologyId,
      instance: stringOrNull(r.instance),
      status,
      previousStatus: previous === null ? null : normalizeStatus(previous),
      statusCategory: statusCategoryOf(status),
      firstFailed: dates.firstFailDate ?? null,
      lastFailed: dates.lastFailDate ?? null,
      firstPassed: dates.firstPassDate ?? null,
      lastPassed: dates.lastPassDate ?? null,
      lastEvaluated: dates.lastEvaluatedDate ?? null,
      sourceLastModified: dates.postureModifiedDate ?? null,
      expectedValue: null,
      actualValue: null,
      evidence: evidence ?? null,
      causeOfFailure: causeOfFailure ?? null,
      exception: null,
      network: null,
      raw,
    });
  }

  #host(r: Record<string, unknown>, uid: string, lastScanned: string | null): Host {
    const ip = typeof r.ip === 'string' ? r.ip : null;
    const addresses = splitIpAddresses([ip]);
    const dns = stringOrNull(r.dns);
    const domainName = stringOrNull(r.domainName);
    const dnsNames = [...new Set([dns, domainName].filter((name): name is string => name !== null))];
    const netbios = stringOrNull(r.netBios);
    return {
      uid,
      sourceName: this.#sourceName,
      hostname: dns ?? domainName ?? netbios,
      ipAddresses: addresses.all,
      publicIpAddresses: addresses.public,
      privateIpAddresses: addresses.private,
      dnsNames,
      netbios,
      os: stringOrNull(r.os),
      trackingMethod: stringOrNull(r.trackingMethod),
      network: stringOrNull(r.networkName),
      networkId: idOf(r.networkId) ?? null,
      sourceHostId: stringOrNull(r.qgHostid),
      assetId: idOf(r.assetId) ?? null,
      lastScanned,
      tags: [],
      raw: {
        hostId: r.hostId,
        ip: r.ip ?? null,
        dns: r.dns ?? null,
        domainName: r.domainName ?? null,
        netBios: r.netBios ?? null,
        os: r.os ?? null,
        osCpe: r.osCpe ?? null,
        trackingMethod: r.trackingMethod ?? null,
        qgHostid: r.qgHostid ?? null,
        assetId: r.assetId ?? null,
        networkId: r.networkId ?? null,
        networkName: r.networkName ?? null,
        customerUuid: r.customerUuid ?? null,
        customerId: r.customerId ?? null,
        complianceLastScanDate: r.complianceLastScanDate ?? null,
        cloudResourceId: r.CLOUD_RESOURCE_ID ?? null,
      },
    };
  }
}
