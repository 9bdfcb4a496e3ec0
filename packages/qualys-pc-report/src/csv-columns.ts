import type { ControlField, HostField, PolicyField, ResultField } from './report-records.ts';

/**
 * Every spelling of the Policy Report CSV in one place: section markers and header cells.
 *
 * The real spellings come from a real export and parsers of real reports
 * (spec/policy-report-csv-real.md) and are all matched below. Older guesses (wire-formats B.5,
 * the simulator's former layout) stay as aliases so such files keep parsing. Header cells are
 * compared after lower-casing and dropping everything but letters and digits ("Control ID" =
 * "control_id" = "CONTROLID"); the column order of the field lists is the positional fallback.
 */
type Aliases<K extends string> = { [P in K]: readonly string[] };

export type CsvSection = 'summary' | 'controls' | 'hosts' | 'assetTags' | 'results' | 'emptyReason';

/**
 * Section markers, compared upper-cased and trimmed (csv-parse has already removed any quotes:
 * real files write them bare, one parser matches `"RESULTS"` quoted). `exact` must be the whole
 * cell; `prefix` may be followed by a count or a description, e.g. `Host Statistics (Percentage
 * of Controls Passed per Host)` [real file] or `Host Statistics (3 hosts)` [older guess].
 */
export const csvSectionMarkers: ReadonlyArray<{ section: CsvSection; exact?: string; prefix?: string }> = [
  { section: 'summary', exact: 'SUMMARY' },
  { section: 'controls', prefix: 'CONTROL STATISTICS' },
  { section: 'hosts', prefix: 'HOST STATISTICS' },
  // `ASSET TAGS` in real reports; one script matches `ASSET TAG`.
  { section: 'assetTags', exact: 'ASSET TAGS' },
  { section: 'assetTags', exact: 'ASSET TAG' },
  { section: 'results', exact: 'RESULTS' },
  { section: 'emptyReason', prefix: 'POSSIBLE REASON FOR EMPTY REPORT' },
];

/** The section a marker cell starts, or null when the cell is no known marker. */
export function csvSectionOf(cell: string): CsvSection | null {
  const text = cell.trim().toUpperCase();
  for (const marker of csvSectionMarkers) {
    if (marker.exact !== undefined && text === marker.exact) return marker.section;
    if (marker.prefix !== undefined && text.startsWith(marker.prefix)) return marker.section;
  }
  return null;
}

/** First cells of a header row the ASSET TAGS section might carry (its layout is not seen). */
export const assetTagHeaderCells: readonly string[] = ['ip', 'ipaddress', 'hostip'];

export const policyColumnAliases: Aliases<PolicyField> = {
  // Real reports carry no policy ID (the title is resolved through the policy list); older layouts did.
  policyId: ['policyid', 'id'],
  title: ['policytitle', 'title', 'policy'],
  locked: ['policylocking', 'locking', 'locked', 'policylocked'],
  modifiedDate: ['policymodified', 'modified', 'modifieddate', 'policymodifieddate'],
  lastEvaluated: ['policylastevaluated', 'lastevaluated', 'lastevaluateddate', 'evaluated'],
  assetGroups: ['assetgroups', 'assetgroup'],
  ips: ['ips', 'ip', 'ipaddresses'],
  assetTags: ['assettags', 'tags'],
  agentIps: ['pcagentips', 'agentips'],
  technologies: ['technologies', 'technology'],
  controls: ['controls', 'totalcontrols'],
  assets: ['assets', 'hosts', 'totalassets'],
  controlInstances: ['controlinstances', 'instances'],
  passed: ['passed', 'pass'],
  failed: ['failures', 'failed', 'fail'],
  error: ['error', 'errors'],
  approvedExceptions: ['approvedexceptions', 'exceptionsapproved'],
  pendingExceptions: ['pendingexceptions', 'exceptionspending'],
};

export const controlColumnAliases: Aliases<ControlField> = {
  orderNumber: ['orderno', 'order', 'ordernumber', 'no', 'number'],
  controlId: ['cid', 'controlid'],
  deprecated: ['deprecated'],
  statement: ['statement', 'control', 'controlstatement'],
  criticalityLabel: ['criticalitylabel', 'criticality'],
  criticalityValue: ['criticalityvalue'],
  percentage: ['percentage', 'percent', 'passedpercentage', 'compliance'],
  policyId: ['policyid'],
};

export const hostColumnAliases: Aliases<HostField> = {
  ip: ['ip', 'ipaddress', 'hostip'],
  trackingMethod: ['trackingmethod', 'tracking'],
  dns: ['dns', 'dnshostname', 'dnsname', 'hostname'],
  netbios: ['netbios', 'netbioshostname', 'netbiosname'],
  os: ['os', 'operatingsystem'],
  lastScanDate: ['lastscandate', 'lastscan', 'lastscanned'],
  percentage: ['percentage', 'percent', 'passedpercentage', 'compliance'],
  sourceHostId: ['qualyshostid', 'qghostid'],
  hostId: ['hostid'],
  network: ['network', 'networkname'],
};

export const resultColumnAliases: Aliases<ResultField> = {
  ip: ['ip', 'ipaddress', 'hostip'],
  dns: ['dns', 'dnshostname', 'dnsname', 'hostname'],
  netbios: ['netbios', 'netbioshostname', 'netbiosname'],
  trackingMethod: ['trackingmethod', 'tracking'],
  os: ['os', 'operatingsystem'],
  network: ['network', 'networkname'],
  lastScanDate: ['lastscandate', 'lastscan', 'lastscanned'],
  evaluationDate: ['evaluationdate', 'evaluateddate', 'lastevaluated', 'evaluated', 'postureevaluationdate'],
  controlId: ['controlid', 'cid'],
  controlReferences: ['controlreferences', 'controlreference', 'references', 'reference'],
  technology: ['technology', 'technologyname'],
  statement: ['control', 'controlstatement', 'statement'],
  criticalityLabel: ['criticalitylabel', 'criticality'],
  criticalityValue: ['criticalityvalue'],
  instance: ['instance'],
  rationale: ['rationale'],
  status: ['status', 'posturestatus', 'compliancestatus'],
  remediation: ['remediation'],
  deprecated: ['deprecated'],
  evidence: ['evidence'],
  exceptionAssignee: ['exceptionassignee', 'assignee'],
  exceptionStatus: ['exceptionstatus'],
  exceptionEndDate: ['exceptionenddate', 'exceptionend'],
  exceptionCreator: ['exceptioncreator', 'exceptioncreatedby'],
  exceptionCreatedDate: ['exceptioncreateddate', 'exceptioncreated'],
  exceptionModifier: ['exceptionmodifier', 'exceptionmodifiedby'],
  exceptionModifiedDate: ['exceptionmodifieddate', 'exceptionmodified'],
  causeOfFailure: ['causeoffailure', 'failurecause'],
  sourceHostId: ['qualyshostid', 'qghostid'],
  previousStatus: ['previousstatus'],
  firstFailDate: ['firstfaildate', 'firstfailed', 'firstfail'],
  lastFailDate: ['lastfaildate', 'lastfailed', 'lastfail'],
  firstPassDate: ['firstpassdate', 'firstpassed', 'firstpass'],
  lastPassDate: ['lastpassdate', 'lastpassed', 'lastpass'],
  policyId: ['policyid'],
  hostId: ['hostid'],
  technologyId: ['technologyid'],
  expectedValue: ['expectedvalue', 'expected', 'expectedvalues'],
  actualValue: ['actualvalue', 'actual', 'actualvalues'],
  extendedEvidence: ['extendedevidence'],
  exceptionComments: ['exceptioncommentshistory', 'exceptioncomments', 'exceptioncomment'],
  osCpe: ['oscpe', 'cpe'],
};

export function normalizeHeader(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Column index per field, or -1 where the report does not carry it. */
export type ColumnMap<K extends string> = { [P in K]: number };

/**
 * Maps fields to columns from a header row. When no header cell is recognised (a layout
 * with unknown wording), falls back to the spec's column order for the first
 * `positionalCount` fields; other fields are then absent.
 */
export function resolveColumns<K extends string>(
  header: readonly string[],
  fields: readonly K[],
  aliases: Aliases<K>,
  positionalCount: number = fields.length,
): { columns: ColumnMap<K>; headerDriven: boolean } {
  const normalized = header.map(normalizeHeader);
  const columns = {} as ColumnMap<K>;
  const taken = new Set<number>();
  let matched = 0;
  for (const field of fields) {
    columns[field] = -1;
    for (const alias of aliases[field]) {
      const index = normalized.findIndex((cell, position) => cell === alias && !taken.has(position));
      if (index >= 0) {
        columns[field] = index;
        taken.add(index);
        matched += 1;
        break;
      }
    }
  }
  if (matched > 0) return { columns, headerDriven: true };
  fields.forEach((field, index) => {
    columns[field] = index < positionalCount ? index : -1;
  });
  return { columns, headerDriven: false };
}
