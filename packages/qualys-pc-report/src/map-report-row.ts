import {
  compositeId,
  type Host,
  normalizeStatus,
  severityFromCriticality,
  splitIpAddresses,
  statusCategoryOf,
  type Violation,
  type ViolationDefinition,
} from '@posturesync/core';
import { parseCauseOfFailure, parseEvidence } from './evidence.ts';
import type { ReportMapperOptions } from './mapped-batch.ts';
import { reportDate } from './report-date.ts';
import type { FieldValues, HostField, ResultField } from './report-records.ts';

/**
 * Field mapping for the Policy Report: one report row (host or result) to one model record.
 * `ReportMapper` (map-report.ts) does the joins, batching and counts around it.
 */

/** What a policy's control rows say about a control, for result rows that leave it out. */
export interface ControlInfo {
  statement: string | null;
  criticalityLabel: string | null;
  criticalityValue: string | null;
  deprecated: string | null;
}

export function parseBoolean(value: string | null): boolean | null {
  if (value === null) return null;
  const lower = value.toLowerCase();
  if (['1', 'true', 'yes', 'y', 'locked'].includes(lower)) return true;
  if (['0', 'false', 'no', 'n', 'unlocked'].includes(lower)) return false;
  return null;
}

export function parseCriticality(value: string | null): number | null {
  if (value === null || !/^\d+$/.test(value)) return null;
  const number = Number(value);
  return number >= 0 && number <= 5 ? number : null;
}

/** A numeric "Qualys host ID" is the host ID PCRS uses too; a UUID-like one is the QG host ID. */
export function numericHostId(fields: { hostId: string | null; sourceHostId: string | null }): string | null {
  if (fields.hostId && /^\d+$/.test(fields.hostId)) return fields.hostId;
  if (!fields.hostId && fields.sourceHostId && /^\d+$/.test(fields.sourceHostId)) return fields.sourceHostId;
  return fields.hostId;
}

export function qgHostId(fields: { hostId: string | null; sourceHostId: string | null }): string | null {
  return fields.sourceHostId && fields.sourceHostId !== numericHostId(fields) ? fields.sourceHostId : null;
}

/** A date cell that is not empty and cannot be read: the record is quarantined. */
export class UnparsableDate extends Error {}

/** The cell as ISO-8601 UTC, null when empty; throws `UnparsableDate` otherwise. */
export function strictDate(value: string | null): string | null {
  const iso = reportDate(value);
  if (iso === undefined) throw new UnparsableDate(String(value));
  return iso;
}

/** A host record from a report's host fields, or why it cannot be one. Throws `UnparsableDate`. */
export function buildHost(
  fields: FieldValues<HostField>,
  tags: string[],
  options: Pick<ReportMapperOptions, 'network' | 'sourceName'>,
): Host | string {
  const numericId = numericHostId(fields);
  const ip = fields.ip;
  if (!numericId && !ip) return 'the host has neither a host ID nor an IP address';
  const addresses = splitIpAddresses([ip]);
  return {
    uid: numericId ?? compositeId(options.network, ip),
    sourceName: options.sourceName,
    hostname: fields.dns ?? fields.netbios,
    ipAddresses: addresses.all,
    publicIpAddresses: addresses.public,
    privateIpAddresses: addresses.private,
    dnsNames: fields.dns ? [fields.dns] : [],
    netbios: fields.netbios,
    os: fields.os,
    trackingMethod: fields.trackingMethod,
    network: options.network,
    networkId: null,
    sourceHostId: qgHostId(fields),
    assetId: null,
    lastScanned: strictDate(fields.lastScanDate),
    tags: [...new Set(tags)],
    raw: { ...fields },
  };
}

/** A result row's control as a violation definition (control facts from its policy's rows when the row lacks them). */
export function mapDefinition(
  fields: FieldValues<ResultField>,
  policyId: string,
  uid: string,
  controls: ReadonlyMap<string, ControlInfo>,
  sourceName: string,
): ViolationDefinition {
  const control = controls.get(compositeId(policyId, fields.controlId));
  const criticalityValue = parseCriticality(fields.criticalityValue ?? control?.criticalityValue ?? null);
  return {
    uid,
    sourceName: sourceName,
    policyUid: policyId,
    controlId: fields.controlId ?? '',
    technologyId: fields.technologyId,
    technologyName: fields.technology,
    statement: fields.statement ?? control?.statement ?? null,
    description: fields.rationale,
    recommendation: fields.remediation,
    controlReference: fields.controlReferences,
    criticalityLabel: fields.criticalityLabel ?? control?.criticalityLabel ?? null,
    criticalityValue,
    severity: severityFromCriticality(criticalityValue),
    deprecated: parseBoolean(fields.deprecated ?? control?.deprecated ?? null),
    sourceCreated: null,
    sourceLastModified: null,
    raw: {
      policyId,
      controlId: fields.controlId,
      technology: fields.technology,
      technologyId: fields.technologyId,
      criticalityLabel: fields.criticalityLabel ?? control?.criticalityLabel ?? null,
      criticalityValue: fields.criticalityValue ?? control?.criticalityValue ?? null,
    },
  };
}

/** A result row as a violation of `hostUid`. Throws `UnparsableDate` for a date it cannot read. */
export function mapViolation(
  fields: FieldValues<ResultField>,
  policyId: string,
  hostUid: string,
  options: Pick<ReportMapperOptions, 'network' | 'sourceName'>,
): Violation {
  const controlId = fields.controlId ?? '';
  // The technology name is in every layout (the ID only in some), so IDs stay equal across formats.
  const technology = fields.technology ?? fields.technologyId;
  const status = normalizeStatus(fields.status);
  const previous = fields.previousStatus;
  const evidence = parseEvidence(fields.evidence);
  const expected = fields.expectedValue ?? evidence.expected;
  const actual = fields.actualValue ?? evidence.actual;
  const extended = fields.extendedEvidence ?? evidence.extended;
  const lastUpdated = evidence.actualLastUpdated;
  return {
    uid: compositeId(hostUid, policyId, controlId, technology, fields.instance),
    sourceName: options.sourceName,
    hostUid,
    policyUid: policyId,
    definitionUid: compositeId(policyId, controlId, technology),
    controlId,
    technologyId: fields.technologyId,
    instance: fields.instance,
    status,
    previousStatus: previous === null ? null : normalizeStatus(previous),
    statusCategory: statusCategoryOf(status),
    firstFailed: strictDate(fields.firstFailDate),
    lastFailed: strictDate(fields.lastFailDate),
    firstPassed: strictDate(fields.firstPassDate),
    lastPassed: strictDate(fields.lastPassDate),
    lastEvaluated: strictDate(fields.evaluationDate),
    sourceLastModified: null,
    expectedValue: expected,
    actualValue: actual,
    // The raw cell stays as `text`: the split is a reading of free text, never the only copy.
    evidence:
      expected || actual || extended
        ? {
            expected,
            actual,
            extended,
            ...(lastUpdated ? { actualLastUpdated: reportDate(lastUpdated) ?? lastUpdated } : {}),
            ...(fields.evidence ? { text: fields.evidence } : {}),
          }
        : fields.evidence
          ? { text: fields.evidence }
          : null,
    causeOfFailure: parseCauseOfFailure(fields.causeOfFailure),
    exception: exceptionOf(fields),
    network: options.network,
    raw: {
      technology: fields.technology,
      status: fields.status,
      previousStatus: fields.previousStatus,
      reportNetwork: fields.network,
      evaluationDate: fields.evaluationDate,
      sourceHostId: fields.sourceHostId,
      ip: fields.ip,
    },
  };
}

function exceptionOf(fields: FieldValues<ResultField>): Record<string, unknown> | null {
  const exception = {
    assignee: fields.exceptionAssignee,
    status: fields.exceptionStatus,
    endDate: reportDate(fields.exceptionEndDate) ?? fields.exceptionEndDate,
    creator: fields.exceptionCreator,
    createdDate: reportDate(fields.exceptionCreatedDate) ?? fields.exceptionCreatedDate,
    modifier: fields.exceptionModifier,
    modifiedDate: reportDate(fields.exceptionModifiedDate) ?? fields.exceptionModifiedDate,
    comments: fields.exceptionComments,
  };
  return Object.values(exception).some((value) => value !== null) ? exception : null;
}
