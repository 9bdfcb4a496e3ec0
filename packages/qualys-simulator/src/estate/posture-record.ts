import type { PostureRecord, SimResult } from './types.ts';

export interface PostureRecordContext {
  evidence: boolean;
  customerUuid: string;
  customerId: string;
  currentBatch: number;
  totalBatches: number;
  currentDataSizeKB: string;
  totalDataSizeKB: string;
}

/** Turns a result into the PCRS wire record, with the field order of the captured sample. */
export function toPostureRecord(result: SimResult, context: PostureRecordContext): PostureRecord {
  const { host, policy, control } = result;
  const record: PostureRecord = {
    id: result.id,
    instance: result.instance,
    policyId: Number(policy.id),
    policyTitle: policy.title,
    netBios: host.netBios,
    controlId: control.cid,
    controlStatement: control.statement,
    rationale: control.rationale,
    remediation: control.remediation,
    controlReference: control.reference,
    technologyId: result.technology.id,
    status: result.status,
    previousStatus: result.previousStatus,
    firstFailDate: result.firstFailDate,
    lastFailDate: result.lastFailDate,
    firstPassDate: result.firstPassDate,
    lastPassDate: result.lastPassDate,
    postureModifiedDate: result.postureModifiedDate,
    lastEvaluatedDate: result.lastEvaluatedDate,
    created: result.created,
    hostId: Number(host.hostId),
    ip: host.ip,
    trackingMethod: host.trackingMethod,
    os: host.os,
    osCpe: host.osCpe,
    domainName: host.domainName,
    dns: host.dns,
    qgHostid: host.qgHostid,
    networkId: host.networkId,
    networkName: host.networkName,
    complianceLastScanDate: host.complianceLastScanDate,
    customerUuid: context.customerUuid,
    customerId: context.customerId,
    assetId: host.assetId,
    technology: { id: result.technology.id, name: result.technology.name },
    criticality: { label: control.criticality.label, value: control.criticality.value },
    currentDataSizeKB: context.currentDataSizeKB,
    totalDataSizeKB: context.totalDataSizeKB,
    currentBatch: context.currentBatch,
    totalBatches: context.totalBatches,
    CLOUD_RESOURCE_ID: null,
  };
  if (!context.evidence) return record;
  // Keep the sample's key order: the nested objects sit between assetId and the batch fields.
  const { currentDataSizeKB, totalDataSizeKB, currentBatch, totalBatches, CLOUD_RESOURCE_ID, ...head } =
    record;
  return {
    ...head,
    evidence: { ...result.evidence },
    causeOfFailure: result.causeOfFailure ?? {},
    currentDataSizeKB,
    totalDataSizeKB,
    currentBatch,
    totalBatches,
    CLOUD_RESOURCE_ID,
  };
}

/** The JSON text of one record as postureInfo sends it. */
export function pcrsRecordToJson(record: PostureRecord): string {
  return JSON.stringify(record);
}
