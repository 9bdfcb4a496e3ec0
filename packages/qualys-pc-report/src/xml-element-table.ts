import type { ControlField, HeaderField, HostField, PolicyField, ResultField } from './report-records.ts';

/**
 * Where each report field lives in the Policy Report XML. Qualys never published the DTD
 * (wire-formats B.6), so this table is the single place that knows element names: paths are
 * relative to the record element (`CRITICALITY/VALUE`, `@id` for an attribute), the first
 * path found wins, and unknown elements are ignored.
 */
export interface PolicyReportXmlTable {
  /** Section elements (direct or nested children of the root). */
  sections: {
    header: string;
    summary: string;
    controlStatistics: string;
    hostStatistics: string;
    assetTags: string;
    results: string;
  };
  /** Record element names. `host` and `control` inside `results` nest either way round. */
  records: { policy: string; control: string; host: string };
  header: { [P in HeaderField]: readonly string[] };
  policy: { [P in PolicyField]: readonly string[] };
  control: { [P in ControlField]: readonly string[] };
  host: { [P in HostField]: readonly string[] } & { tags: readonly string[] };
  /** A result's fields: looked up in the inner record element first, then the outer one. */
  result: { [P in ResultField]: readonly string[] } & { tags: readonly string[] };
}

/** The best-known structure (mappings.md), used until a real sample says otherwise. */
export const defaultPolicyReportXmlTable: PolicyReportXmlTable = {
  sections: {
    header: 'HEADER',
    summary: 'SUMMARY',
    controlStatistics: 'CONTROL_STATISTICS',
    hostStatistics: 'HOST_STATISTICS',
    assetTags: 'ASSET_TAGS',
    results: 'RESULTS',
  },
  records: { policy: 'POLICY', control: 'CONTROL', host: 'HOST' },
  header: {
    title: ['TITLE'],
    generatedAt: ['GENERATION_DATETIME', 'GENERATED'],
    company: ['COMPANY_INFO/NAME', 'COMPANY'],
    userName: ['USER_INFO/NAME', 'USER/NAME'],
    userLogin: ['USER_INFO/USERNAME', 'USER_INFO/LOGIN', 'USER/LOGIN'],
  },
  policy: {
    policyId: ['ID', '@id'],
    title: ['TITLE'],
    locked: ['LOCKED', 'LOCKING'],
    modifiedDate: ['MODIFIED_DATETIME', 'MODIFIED'],
    lastEvaluated: ['LAST_EVALUATED_DATETIME', 'LAST_EVALUATED'],
    assetGroups: ['ASSET_GROUPS'],
    ips: ['IPS'],
    assetTags: ['ASSET_TAGS'],
    agentIps: ['PC_AGENT_IPS'],
    technologies: ['TECHNOLOGIES'],
    controls: ['TOTAL_CONTROLS', 'CONTROLS'],
    assets: ['TOTAL_ASSETS', 'ASSETS'],
    controlInstances: ['CONTROL_INSTANCES'],
    passed: ['TOTAL_PASSED', 'PASSED'],
    failed: ['TOTAL_FAILED', 'FAILED'],
    error: ['TOTAL_ERROR', 'ERROR'],
    approvedExceptions: ['APPROVED_EXCEPTIONS', 'TOTAL_EXCEPTIONS'],
    pendingExceptions: ['PENDING_EXCEPTIONS'],
  },
  control: {
    orderNumber: ['ORDER_NO', 'ORDER'],
    controlId: ['CID', 'ID'],
    deprecated: ['DEPRECATED'],
    statement: ['STATEMENT'],
    criticalityLabel: ['CRITICALITY/LABEL', 'CRITICALITY_LABEL'],
    criticalityValue: ['CRITICALITY/VALUE', 'CRITICALITY_VALUE'],
    percentage: ['PERCENTAGE'],
    policyId: ['POLICY_ID'],
  },
  host: {
    ip: ['IP'],
    trackingMethod: ['TRACKING_METHOD'],
    dns: ['DNS'],
    netbios: ['NETBIOS'],
    os: ['OPERATING_SYSTEM', 'OS'],
    lastScanDate: ['LAST_SCAN_DATE', 'LAST_SCAN_DATETIME'],
    percentage: ['PERCENTAGE'],
    qualysHostId: ['QG_HOSTID', 'QUALYS_HOST_ID'],
    hostId: ['ID', 'HOST_ID'],
    network: ['NETWORK', 'IP@network'],
    tags: ['ASSET_TAGS/ASSET_TAG', 'TAGS/TAG'],
  },
  result: {
    ip: ['IP'],
    dns: ['DNS'],
    netbios: ['NETBIOS'],
    trackingMethod: ['TRACKING_METHOD'],
    os: ['OPERATING_SYSTEM', 'OS'],
    network: ['NETWORK', 'IP@network'],
    lastScanDate: ['LAST_SCAN_DATE', 'LAST_SCAN_DATETIME'],
    evaluationDate: ['EVALUATION_DATE', 'LAST_EVALUATED_DATETIME', 'EVALUATED_DATETIME'],
    controlId: ['CID'],
    controlReferences: ['CONTROL_REFERENCES', 'REFERENCE'],
    technology: ['TECHNOLOGY/NAME', 'TECHNOLOGY'],
    statement: ['STATEMENT'],
    criticalityLabel: ['CRITICALITY/LABEL', 'CRITICALITY_LABEL'],
    criticalityValue: ['CRITICALITY/VALUE', 'CRITICALITY_VALUE'],
    instance: ['INSTANCE'],
    rationale: ['RATIONALE'],
    status: ['STATUS'],
    remediation: ['REMEDIATION'],
    deprecated: ['DEPRECATED'],
    evidence: ['EVIDENCE'],
    exceptionAssignee: ['EXCEPTION/ASSIGNEE'],
    exceptionStatus: ['EXCEPTION/STATUS'],
    exceptionEndDate: ['EXCEPTION/END_DATETIME', 'EXCEPTION/END_DATE'],
    exceptionCreator: ['EXCEPTION/CREATOR', 'EXCEPTION/CREATED_BY'],
    exceptionCreatedDate: ['EXCEPTION/CREATED_DATETIME', 'EXCEPTION/CREATED_DATE'],
    exceptionModifier: ['EXCEPTION/MODIFIER', 'EXCEPTION/MODIFIED_BY'],
    exceptionModifiedDate: ['EXCEPTION/MODIFIED_DATETIME', 'EXCEPTION/MODIFIED_DATE'],
    causeOfFailure: ['CAUSE_OF_FAILURE'],
    qualysHostId: ['QG_HOSTID', 'QUALYS_HOST_ID'],
    previousStatus: ['PREVIOUS_STATUS'],
    firstFailDate: ['FIRST_FAIL_DATE', 'FIRST_FAIL_DATETIME'],
    lastFailDate: ['LAST_FAIL_DATE', 'LAST_FAIL_DATETIME'],
    firstPassDate: ['FIRST_PASS_DATE', 'FIRST_PASS_DATETIME'],
    lastPassDate: ['LAST_PASS_DATE', 'LAST_PASS_DATETIME'],
    policyId: ['POLICY_ID'],
    hostId: ['HOST_ID', 'ID'],
    technologyId: ['TECHNOLOGY/ID', 'TECHNOLOGY_ID', 'TECHNOLOGY@id'],
    expectedValue: ['EVIDENCE/EXPECTED', 'EXPECTED_VALUE'],
    actualValue: ['EVIDENCE/ACTUAL', 'ACTUAL_VALUE'],
    tags: ['ASSET_TAGS/ASSET_TAG', 'TAGS/TAG'],
  },
};
