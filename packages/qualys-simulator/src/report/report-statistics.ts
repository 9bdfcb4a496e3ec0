import type { Estate, SimPolicy } from '../estate/types.ts';

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
}

/** One pass over the policy's results that keeps only counters (the sections before RESULTS need them). */
export function computeReportStatistics(estate: Estate, policyId: string): ReportStatistics | undefined {
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
  };
  const technologies = new Set<string>();
  hostIds.forEach((hostId, hostPosition) => {
    for (const result of estate.resultsForHost(policyId, hostId)) {
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
  });
  stats.technologies = [...technologies].sort();
  return stats;
}

/** `98.27` / `100`: two decimals, trailing zeros dropped. */
export function percent(part: number, total: number): string {
  if (total === 0) return '0';
  return String(Number(((part / total) * 100).toFixed(2)));
}
