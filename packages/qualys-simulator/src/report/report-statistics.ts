import type { Estate, SimPolicy, SimStatus } from '../estate/types.ts';

/** Counts of the results a report shows (its template may filter results by status). */
export interface ShownCounts {
  instances: number;
  passed: number;
  failed: number;
  error: number;
  approvedExceptions: number;
  pendingExceptions: number;
  /** Hosts with at least one shown result. */
  assets: number;
}

export interface ReportStatistics {
  policy: SimPolicy;
  hostIds: string[];
  passed: number;
  failed: number;
  error: number;
  approvedExceptions: number;
  pendingExceptions: number;
  instances: number;
  technologies: string[];
  /** Per control index. */
  controlPassed: Uint32Array;
  controlTotal: Uint32Array;
  /** Per position in hostIds. */
  hostPassed: Uint32Array;
  hostTotal: Uint32Array;
  /** The results whose status is in `shownStatuses` (all of them when none are given). */
  shown: ShownCounts;
}

/** One pass over the policy's results that keeps only counters (the sections before RESULTS need them). */
export function computeReportStatistics(
  estate: Estate,
  policyId: string,
  shownStatuses?: ReadonlySet<SimStatus>,
): ReportStatistics | undefined {
  const policy = estate.policy(policyId);
  if (!policy) return undefined;
  const hostIds = estate.hostIdsForPolicy(policyId);
  const stats: ReportStatistics = {
    policy,
    hostIds,
    passed: 0,
    failed: 0,
    error: 0,
    approvedExceptions: 0,
    pendingExceptions: 0,
    instances: 0,
    technologies: [],
    controlPassed: new Uint32Array(policy.controls.length),
    controlTotal: new Uint32Array(policy.controls.length),
    hostPassed: new Uint32Array(hostIds.length),
    hostTotal: new Uint32Array(hostIds.length),
    shown: {
      instances: 0,
      passed: 0,
      failed: 0,
      error: 0,
      approvedExceptions: 0,
      pendingExceptions: 0,
      assets: 0,
    },
  };
  const { shown } = stats;
  const technologies = new Set<string>();
  hostIds.forEach((hostId, hostPosition) => {
    let hostShown = false;
    for (const result of estate.resultsForHost(policyId, hostId)) {
      if (!shownStatuses || shownStatuses.has(result.status)) {
        hostShown = true;
        shown.instances++;
        if (result.status === 'Passed') shown.passed++;
        else if (result.status === 'Failed') shown.failed++;
        else shown.error++;
        if (result.exception?.status === 'Approved') shown.approvedExceptions++;
        if (result.exception?.status === 'Pending') shown.pendingExceptions++;
      }
      stats.instances++;
      technologies.add(result.technology.name);
      stats.controlTotal[result.control.index]! += 1;
      stats.hostTotal[hostPosition]! += 1;
      if (result.status === 'Passed') {
        stats.passed++;
        stats.controlPassed[result.control.index]! += 1;
        stats.hostPassed[hostPosition]! += 1;
      } else if (result.status === 'Failed') stats.failed++;
      else stats.error++;
      if (result.exception?.status === 'Approved') stats.approvedExceptions++;
      if (result.exception?.status === 'Pending') stats.pendingExceptions++;
    }
    if (hostShown) shown.assets++;
  });
  stats.technologies = [...technologies].sort();
  return stats;
}

/** `98.27` / `100`: two decimals, trailing zeros dropped. */
export function percent(part: number, total: number): string {
  if (total === 0) return '0';
  return String(Number(((part / total) * 100).toFixed(2)));
}
