import { policyReportXmlElements as names } from '@posturesync/qualys-common';
import type { ControlField, HeaderField, HostField, PolicyField, ResultField } from './report-records.ts';

/**
 * Where each report field lives in the Policy Report XML, as paths relative to the record
 * element (`CRITICALITY/VALUE`; `IP@network_id` for an attribute). The first path found wins;
 * unknown elements are ignored. Built from the one table of element names
 * (`policyReportXmlElements`), so a correction to the unconfirmed structure lands in one place.
 */
export interface PolicyReportXmlTable {
  sections: {
    header: string;
    summary: string;
    controlStatistics: string;
    hostStatistics: string;
    assetTags: string;
    results: string;
  };
  /** Record elements: per section, and `host`/`control` inside results (nested either way round). */
  records: {
    policy: string;
    statisticsControl: string;
    statisticsHost: string;
    tagHost: string;
    control: string;
    host: string;
  };
  header: { [P in HeaderField]: readonly string[] };
  policy: { [P in PolicyField]: readonly string[] };
  control: { [P in ControlField]: readonly string[] };
  host: { [P in HostField]: readonly string[] } & { tags: readonly string[] };
  /** A result's fields: host fields from the host element, control fields from the control element. */
  result: { [P in ResultField]: readonly string[] } & { tags: readonly string[] };
  /** Cause of failure as value lists, rendered into the CSV's text form. */
  causeOfFailure: { missingValues: string; missingLogic: string; unexpectedValues: string };
}

const hd = names.header;
const s = names.summary;
const cs = names.controlStatistics;
const hs = names.hostStatistics;
const h = names.host;
const c = names.control;
const r = names.result;
const path = (...parts: string[]) => parts.join('/');
const exception = (name: string) => [path(r.exception, name)];

const hostPaths = {
  ip: [h.ip],
  trackingMethod: [h.trackingMethod],
  dns: [h.dns],
  netbios: [h.netbios],
  os: [h.operatingSystem],
  lastScanDate: [h.lastScanDate],
  sourceHostId: [h.qgHostId],
  hostId: [h.hostId],
  network: [h.network],
} as const;

export const defaultPolicyReportXmlTable: PolicyReportXmlTable = {
  sections: {
    header: hd.element,
    summary: s.element,
    controlStatistics: cs.element,
    hostStatistics: hs.element,
    assetTags: names.assetTags.element,
    results: names.results.element,
  },
  records: {
    policy: s.policy,
    statisticsControl: cs.control,
    statisticsHost: hs.host,
    tagHost: names.assetTags.host,
    control: c.element,
    host: h.element,
  },
  header: {
    title: [hd.title],
    generatedAt: [hd.generationDatetime],
    company: [path(hd.companyInfo, hd.companyName)],
    userName: [path(hd.userInfo, hd.userName)],
    userLogin: [path(hd.userInfo, hd.userLogin)],
    userRole: [path(hd.userInfo, hd.userRole)],
  },
  policy: {
    policyId: [s.id],
    title: [s.title],
    locked: [s.locked],
    modifiedDate: [s.modifiedDatetime],
    lastEvaluated: [s.lastEvaluatedDatetime],
    assetGroups: [s.assetGroups],
    ips: [],
    assetTags: [],
    agentIps: [],
    technologies: [s.technologies],
    controls: [s.totalControls],
    assets: [s.totalAssets],
    controlInstances: [s.totalControlInstances],
    passed: [s.totalPassed],
    failed: [s.totalFailed],
    error: [s.totalError],
    approvedExceptions: [s.totalApprovedExceptions],
    pendingExceptions: [s.totalPendingExceptions],
  },
  control: {
    orderNumber: [cs.orderNo],
    controlId: [c.cid],
    deprecated: [c.deprecated],
    statement: [c.statement],
    criticalityLabel: [path(c.criticality, c.criticalityLabel)],
    criticalityValue: [path(c.criticality, c.criticalityValue)],
    percentage: [cs.percentage],
    policyId: [],
  },
  host: {
    ...hostPaths,
    percentage: [hs.percentage],
    tags: [path(h.assetTags, h.assetTag)],
  },
  result: {
    ...hostPaths,
    evaluationDate: [r.evaluationDate],
    controlId: [c.cid],
    controlReferences: [c.controlReferences],
    technology: [path(r.technology, r.technologyName)],
    statement: [c.statement],
    criticalityLabel: [path(c.criticality, c.criticalityLabel)],
    criticalityValue: [path(c.criticality, c.criticalityValue)],
    instance: [r.instance],
    rationale: [c.rationale],
    status: [r.status],
    remediation: [c.remediation],
    deprecated: [c.deprecated],
    evidence: [],
    exceptionAssignee: exception(r.exceptionAssignee),
    exceptionStatus: exception(r.exceptionStatus),
    exceptionEndDate: exception(r.exceptionEndDatetime),
    exceptionCreator: exception(r.exceptionCreator),
    exceptionCreatedDate: exception(r.exceptionCreatedDatetime),
    exceptionModifier: exception(r.exceptionModifier),
    exceptionModifiedDate: exception(r.exceptionModifiedDatetime),
    exceptionComments: exception(r.exceptionComments),
    causeOfFailure: [],
    previousStatus: [r.previousStatus],
    firstFailDate: [r.firstFailDate],
    lastFailDate: [r.lastFailDate],
    firstPassDate: [r.firstPassDate],
    lastPassDate: [r.lastPassDate],
    policyId: [],
    technologyId: [path(r.technology, r.technologyId)],
    expectedValue: [path(r.evidence, r.evidenceExpected)],
    actualValue: [path(r.evidence, r.evidenceActual)],
    extendedEvidence: [path(r.evidence, r.evidenceExtended)],
    osCpe: [],
    tags: [path(h.assetTags, h.assetTag)],
  },
  causeOfFailure: {
    missingValues: path(r.causeOfFailure, r.causeMissing, r.causeValue),
    missingLogic: `${path(r.causeOfFailure, r.causeMissing)}@${r.causeMissingLogicAttribute}`,
    unexpectedValues: path(r.causeOfFailure, r.causeUnexpected, r.causeValue),
  },
};
