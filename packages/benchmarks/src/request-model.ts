/**
 * Request counts for one full PCRS read of an estate, as a closed-form model. `hostsPerPolicy`
 * holds the number of host IDs hostids returns for each selected policy.
 */
export interface RequestCount {
  policyList: number;
  hostids: number;
  postureInfo: number;
  total: number;
}

/** posturesync's defaults: up to 10 policies per hostids call, 1000 host IDs per postureInfo call. */
export const posturesyncDefaults = { batchSize: 1000, policiesPerHostIdsCall: 10 } as const;

/** QualysETL: one hostids call per policy, slices of `pcrs_multi_proc_batch_size` (250) host IDs. */
export const qualysEtlDefaults = { sliceSize: 250 } as const;

function postureCalls(hostsPerPolicy: readonly number[], perCall: number): number {
  return hostsPerPolicy.reduce((sum, hosts) => sum + Math.ceil(hosts / perCall), 0);
}

function counted(policyList: number, hostids: number, postureInfo: number): RequestCount {
  return { policyList, hostids, postureInfo, total: policyList + hostids + postureInfo };
}

export function posturesyncRequests(
  hostsPerPolicy: readonly number[],
  options: { batchSize: number; policiesPerHostIdsCall: number } = posturesyncDefaults,
): RequestCount {
  return counted(
    1,
    Math.ceil(hostsPerPolicy.length / options.policiesPerHostIdsCall),
    postureCalls(hostsPerPolicy, options.batchSize),
  );
}

export function qualysEtlRequests(
  hostsPerPolicy: readonly number[],
  options: { sliceSize: number } = qualysEtlDefaults,
): RequestCount {
  return counted(1, hostsPerPolicy.length, postureCalls(hostsPerPolicy, options.sliceSize));
}

/** Requests per 10,000 host-policy pairs (the unit issue 7 compares request efficiency in). */
export function requestsPerTenThousandPairs(requests: number, hostPolicyPairs: number): number {
  if (hostPolicyPairs <= 0) return 0;
  return (requests / hostPolicyPairs) * 10_000;
}
