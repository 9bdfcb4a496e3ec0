import type { ControlField, HostField, PolicyField, ResultField } from './report-records.ts';

/**
 * Header texts each CSV column is known or expected under, compared after lower-casing and
 * dropping everything but letters and digits ("Control ID" = "control_id" = "CONTROLID").
 * Qualys never published the exact header cells (wire-formats B.5), hence several aliases
 * each; the column order of the field lists is the positional fallback.
 */
type Aliases<K extends string> = { [P in K]: readonly string[] };

export const policyColumnAliases: Aliases<PolicyField> = {
  policyId: ['policyid', 'id'],
  title: ['policytitle', 'title', 'policy'],
  locked: ['policylocking', 'locking', 'locked', 'policylocked'],
  modifiedDate: ['policymodified', 'modified', 'modifieddate', 'policymodifieddate'],
  lastEvaluated: ['lastevaluated', 'lastevaluateddate', 'evaluated'],
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
  qualysHostId: ['qualyshostid', 'qghostid'],
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
  qualysHostId: ['qualyshostid', 'qghostid'],
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
  exceptionComments: ['exceptioncomments', 'exceptioncomment'],
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
