import type { OsFamily, PolicyFamily, TechnologyRef } from './catalog.ts';

export type { OsFamily, PolicyFamily, TechnologyRef } from './catalog.ts';

export type SimStatus = 'Passed' | 'Failed' | 'Error';

export interface StatusRatios {
  passed: number;
  failed: number;
  error: number;
}

export interface EstateOptions {
  /** Seed of every generated value; same seed and options give identical data. Default 1. */
  seed?: number;
  /** Number of hosts. Default 20. */
  hosts?: number;
  /** Number of compliance policies. Default 3 (the last one is inactive when there are 3 or more). */
  policies?: number;
  /** Controls per policy. Default 10 (about one in five is a database control with per-instance results). */
  controlsPerPolicy?: number;
  /** Qualys subscription id. Default derived from the seed. */
  subscriptionId?: string;
  /** The estate's "now": scan and evaluation dates fall in the 30 days before it. Default 2024-05-01T06:00:00Z. */
  referenceDate?: string;
  /** Pass/fail/error mix. Default 0.70 / 0.25 / 0.05. */
  statusRatios?: StatusRatios;
  /** Share of hosts with a public IP. Default 0.2. */
  publicIpRatio?: number;
  /** Share of hosts (per policy of their OS family) that are in the policy. Default 0.9. */
  membershipRatio?: number;
  /** Share of failed results that carry an exception (reports only). Default 0.08. */
  exceptionRatio?: number;
  /** Share of results whose status changes on each `rescan`. Default 0.2. */
  rescanFlipRatio?: number;
  /**
   * Share of results whose status flips on each `flipResults` round (a rescan of every host), for
   * history tests: sync, flip, sync again. Seeded: the same seed flips the same results. Default 0.1.
   */
  flipRatio?: number;
  /** Company name in report headers. */
  companyName?: string;
  /** User login of the simulated account (report owner, policy creator). */
  userLogin?: string;
}

export interface SimHost {
  index: number;
  /** Qualys host id (numeric string; a JSON number in postureInfo). */
  hostId: string;
  assetId: number;
  qgHostid: string;
  ip: string;
  isPublicIp: boolean;
  dns: string;
  domainName: string;
  netBios: string | null;
  os: string;
  osCpe: string;
  osFamily: OsFamily;
  osTechnology: TechnologyRef;
  trackingMethod: 'AGENT' | 'IP' | 'DNS';
  networkId: number;
  networkName: string;
  /** ISO `YYYY-MM-DDTHH:MM:SSZ`; moves forward on `rescan`. */
  complianceLastScanDate: string;
  /** When the posture of the last scan was evaluated (lastEvaluatedDate of its records). */
  lastEvaluatedDate: string;
  tags: string[];
  databases: Array<{ technology: TechnologyRef; instances: readonly string[] }>;
}

export interface SimCriticality {
  label: string;
  value: number;
}

export interface SimControl {
  index: number;
  cid: number;
  statement: string;
  rationale: string;
  remediation: string;
  reference: string;
  criticality: SimCriticality;
  kind: 'os' | 'database';
  databaseTechnologyId: number | null;
  deprecated: boolean;
  expected: string;
  passActual: string;
  failActual: string;
}

export interface SimPolicy {
  index: number;
  /** Numeric policy id as a string (7 digits). */
  id: string;
  title: string;
  family: PolicyFamily;
  status: 'active' | 'inactive';
  locked: 0 | 1;
  createdBy: string;
  createdDate: string;
  modifiedBy: string;
  modifiedDate: string;
  lastEvaluatedDate: string;
  controls: SimControl[];
}

export interface SimEvidence {
  expected: string;
  actual: string;
  extendedEvidence: string | null;
}

export interface SimCauseOfFailure {
  missing: { logic: 'ALL' | 'ANY'; values: string[] } | null;
  unexpected: { values: string[] } | null;
}

/** A reports-only overlay; PCRS has no exceptions. */
export interface SimException {
  assignee: string;
  status: 'Approved' | 'Pending';
  endDate: string;
  creator: string;
  createdDate: string;
  modifier: string;
  modifiedDate: string;
  comments: string;
}

/**
 * One result: host x policy x control x technology x instance. The single source of truth
 * for both the PCRS records and the Policy Report rows.
 */
export interface SimResult {
  /** Posture record id (> 2^31, < 2^53). */
  id: number;
  host: SimHost;
  policy: SimPolicy;
  control: SimControl;
  technology: { id: number; name: string };
  instance: string;
  status: SimStatus;
  previousStatus: SimStatus;
  firstFailDate: string;
  lastFailDate: string;
  firstPassDate: string;
  lastPassDate: string;
  postureModifiedDate: string;
  lastEvaluatedDate: string;
  created: string;
  evidence: SimEvidence;
  causeOfFailure: SimCauseOfFailure | null;
  exception: SimException | null;
}

/** A PCRS postureInfo record, field for field as in the wire spec A.5. */
export interface PostureRecord {
  id: number;
  instance: string;
  policyId: number;
  policyTitle: string;
  netBios: string | null;
  controlId: number;
  controlStatement: string;
  rationale: string;
  remediation: string;
  controlReference: string;
  technologyId: number;
  status: SimStatus;
  previousStatus: SimStatus;
  firstFailDate: string;
  lastFailDate: string;
  firstPassDate: string;
  lastPassDate: string;
  postureModifiedDate: string;
  lastEvaluatedDate: string;
  created: string;
  hostId: number;
  ip: string;
  trackingMethod: string;
  os: string;
  osCpe: string;
  domainName: string;
  dns: string;
  qgHostid: string;
  networkId: number;
  networkName: string;
  complianceLastScanDate: string;
  customerUuid: string;
  customerId: string;
  assetId: number;
  technology: { id: number; name: string };
  criticality: SimCriticality;
  evidence?: SimEvidence;
  causeOfFailure?: SimCauseOfFailure | Record<string, never>;
  currentDataSizeKB: string;
  totalDataSizeKB: string;
  currentBatch: number;
  totalBatches: number;
  CLOUD_RESOURCE_ID: string | null;
}

export interface ResultFilter {
  /** Only results whose lastEvaluatedDate is at or after this date. */
  lastEvaluationDate?: Date;
  /** Only hosts scanned at or after this date. */
  lastScanDate?: Date;
  lastScanDateFrom?: Date;
  lastScanDateTo?: Date;
  /** Only results whose postureModifiedDate is at or after this date. */
  statusChangedSince?: Date;
}

export interface Estate {
  readonly options: Required<EstateOptions>;
  readonly subscriptionId: string;
  readonly customerUuid: string;
  readonly customerId: string;
  policies(): SimPolicy[];
  policy(policyId: string): SimPolicy | undefined;
  hosts(): Iterable<SimHost>;
  host(hostId: string): SimHost | undefined;
  /** Hosts in the policy, in host order, optionally only those scanned at or after `lastScanDate`. */
  hostIdsForPolicy(policyId: string, options?: { lastScanDate?: Date }): string[];
  isHostInPolicy(policyId: string, hostId: string): boolean;
  /** Results for one host in one policy, in control order. */
  resultsForHost(policyId: string, hostId: string, filter?: ResultFilter): Iterable<SimResult>;
  /** Results of one control on one host (every technology/instance). */
  resultsForHostControl(policyId: string, hostId: string, controlIndex: number): SimResult[];
  /** PCRS records for the hosts of a policy, generated on the fly in host order. */
  postureRecords(
    policyId: string,
    hostIds: readonly string[],
    options?: { evidence?: boolean; filter?: ResultFilter },
  ): Iterable<PostureRecord>;
  /** Number of results (without generating them) in the given policies (default all). */
  postureRecordCount(policyIds?: string[]): number;
  /** Records one host would yield in a policy (0 if it is not a member). */
  resultCountForHost(policyId: string, hostId: string): number;
  /** Moves complianceLastScanDate of the hosts to `at` and flips some statuses deterministically. */
  rescan(hostIds: readonly string[], at: Date): void;
  /**
   * Between two syncs: rescans every host at `at` (default now) and flips the status of a seeded
   * share (`flipRatio`) of all results to another status. Scan, evaluation and posture-modified
   * dates move as a real rescan would move them, so incremental syncs fetch the changes.
   */
  flipResults(at?: Date): void;
}
