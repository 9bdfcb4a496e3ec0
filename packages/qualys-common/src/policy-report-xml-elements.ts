/**
 * Element names of the simulated Policy Report XML. The real DTD is not public (wire spec
 * B.6); this is the best-known structure from spec/mappings.md. The simulator writes it and the
 * qualys-pc-report connector reads it; both import
 * this table rather than repeat the names, so a correction lands in one place.
 *
 * Layout (group by host):
 *   POLICY_REPORT
 *     HEADER (TITLE, GENERATION_DATETIME, COMPANY_INFO(NAME), USER_INFO(NAME, USERNAME, ROLE))
 *     SUMMARY / POLICY (ID, TITLE, LOCKED, MODIFIED_DATETIME, LAST_EVALUATED_DATETIME, ..., TOTAL_PASSED, ...)
 *     CONTROL_STATISTICS / CONTROL (ORDER_NO, CID, DEPRECATED, STATEMENT, CRITICALITY(LABEL, VALUE), PASSED, TOTAL, PERCENTAGE)
 *     HOST_STATISTICS / HOST (IP[@network_id], TRACKING_METHOD, DNS, NETBIOS, OPERATING_SYSTEM, LAST_SCAN_DATE, PASSED, TOTAL, PERCENTAGE, QG_HOSTID, HOST_ID)
 *     ASSET_TAG_LIST / HOST (IP, QG_HOSTID, HOST_ID, ASSET_TAGS / ASSET_TAG*)
 *     RESULTS[@group_by="host"] / HOST_LIST / HOST (host fields, ASSET_TAGS, CONTROL_LIST / CONTROL (control + result fields))
 *  or RESULTS[@group_by="control"] / CONTROL_LIST / CONTROL (control fields, HOST_LIST / HOST (host + result fields))
 *
 * Result fields: TECHNOLOGY(ID, NAME), INSTANCE, STATUS, EVALUATION_DATE,
 * EVIDENCE(EXPECTED, ACTUAL, EXTENDED), CAUSE_OF_FAILURE(MISSING[@logic] / V*, UNEXPECTED / V*),
 * EXCEPTION(ASSIGNEE, STATUS, END_DATETIME, CREATOR, CREATED_DATETIME, MODIFIER, MODIFIED_DATETIME, COMMENTS),
 * PREVIOUS_STATUS, FIRST_FAIL_DATE, LAST_FAIL_DATE, FIRST_PASS_DATE, LAST_PASS_DATE.
 * Dates are `YYYY-MM-DDTHH:MM:SSZ`; an empty element means "never". Free text is CDATA.
 */
export const policyReportXmlElements = {
  root: 'POLICY_REPORT',
  header: {
    element: 'HEADER',
    title: 'TITLE',
    generationDatetime: 'GENERATION_DATETIME',
    companyInfo: 'COMPANY_INFO',
    companyName: 'NAME',
    userInfo: 'USER_INFO',
    userName: 'NAME',
    userLogin: 'USERNAME',
    userRole: 'ROLE',
  },
  summary: {
    element: 'SUMMARY',
    policy: 'POLICY',
    id: 'ID',
    title: 'TITLE',
    locked: 'LOCKED',
    modifiedDatetime: 'MODIFIED_DATETIME',
    lastEvaluatedDatetime: 'LAST_EVALUATED_DATETIME',
    assetGroups: 'ASSET_GROUPS',
    technologies: 'TECHNOLOGIES',
    totalControls: 'TOTAL_CONTROLS',
    totalAssets: 'TOTAL_ASSETS',
    totalControlInstances: 'TOTAL_CONTROL_INSTANCES',
    totalPassed: 'TOTAL_PASSED',
    totalFailed: 'TOTAL_FAILED',
    totalError: 'TOTAL_ERROR',
    totalApprovedExceptions: 'TOTAL_APPROVED_EXCEPTIONS',
    totalPendingExceptions: 'TOTAL_PENDING_EXCEPTIONS',
  },
  controlStatistics: {
    element: 'CONTROL_STATISTICS',
    control: 'CONTROL',
    orderNo: 'ORDER_NO',
    passed: 'PASSED',
    total: 'TOTAL',
    percentage: 'PERCENTAGE',
  },
  hostStatistics: {
    element: 'HOST_STATISTICS',
    host: 'HOST',
    passed: 'PASSED',
    total: 'TOTAL',
    percentage: 'PERCENTAGE',
  },
  assetTags: { element: 'ASSET_TAG_LIST', host: 'HOST' },
  results: {
    element: 'RESULTS',
    groupByAttribute: 'group_by',
    hostList: 'HOST_LIST',
    controlList: 'CONTROL_LIST',
  },
  host: {
    element: 'HOST',
    ip: 'IP',
    networkIdAttribute: 'network_id',
    trackingMethod: 'TRACKING_METHOD',
    dns: 'DNS',
    netbios: 'NETBIOS',
    operatingSystem: 'OPERATING_SYSTEM',
    network: 'NETWORK',
    lastScanDate: 'LAST_SCAN_DATE',
    qgHostId: 'QG_HOSTID',
    hostId: 'HOST_ID',
    assetTags: 'ASSET_TAGS',
    assetTag: 'ASSET_TAG',
  },
  control: {
    element: 'CONTROL',
    cid: 'CID',
    statement: 'STATEMENT',
    controlReferences: 'CONTROL_REFERENCES',
    criticality: 'CRITICALITY',
    criticalityLabel: 'LABEL',
    criticalityValue: 'VALUE',
    rationale: 'RATIONALE',
    remediation: 'REMEDIATION',
    deprecated: 'DEPRECATED',
  },
  result: {
    technology: 'TECHNOLOGY',
    technologyId: 'ID',
    technologyName: 'NAME',
    instance: 'INSTANCE',
    status: 'STATUS',
    evaluationDate: 'EVALUATION_DATE',
    evidence: 'EVIDENCE',
    evidenceExpected: 'EXPECTED',
    evidenceActual: 'ACTUAL',
    evidenceExtended: 'EXTENDED',
    causeOfFailure: 'CAUSE_OF_FAILURE',
    causeMissing: 'MISSING',
    causeMissingLogicAttribute: 'logic',
    causeUnexpected: 'UNEXPECTED',
    causeValue: 'V',
    exception: 'EXCEPTION',
    exceptionAssignee: 'ASSIGNEE',
    exceptionStatus: 'STATUS',
    exceptionEndDatetime: 'END_DATETIME',
    exceptionCreator: 'CREATOR',
    exceptionCreatedDatetime: 'CREATED_DATETIME',
    exceptionModifier: 'MODIFIER',
    exceptionModifiedDatetime: 'MODIFIED_DATETIME',
    exceptionComments: 'COMMENTS',
    previousStatus: 'PREVIOUS_STATUS',
    firstFailDate: 'FIRST_FAIL_DATE',
    lastFailDate: 'LAST_FAIL_DATE',
    firstPassDate: 'FIRST_PASS_DATE',
    lastPassDate: 'LAST_PASS_DATE',
  },
} as const;

/** Slash paths of the repeating result elements, for streaming parsers. */
export const policyReportXmlPaths = {
  hostByHost: 'POLICY_REPORT/RESULTS/HOST_LIST/HOST',
  controlByHost: 'POLICY_REPORT/RESULTS/HOST_LIST/HOST/CONTROL_LIST/CONTROL',
  controlByControl: 'POLICY_REPORT/RESULTS/CONTROL_LIST/CONTROL',
  hostByControl: 'POLICY_REPORT/RESULTS/CONTROL_LIST/CONTROL/HOST_LIST/HOST',
  summaryPolicy: 'POLICY_REPORT/SUMMARY/POLICY',
  hostStatistics: 'POLICY_REPORT/HOST_STATISTICS/HOST',
  controlStatistics: 'POLICY_REPORT/CONTROL_STATISTICS/CONTROL',
  assetTagHost: 'POLICY_REPORT/ASSET_TAG_LIST/HOST',
} as const;
