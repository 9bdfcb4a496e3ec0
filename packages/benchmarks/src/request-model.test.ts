import { describe, expect, it } from 'vitest';
import { posturesyncRequests, qualysEtlRequests, requestsPerTenThousandPairs } from './request-model.ts';

describe('request model', () => {
  it('issue 7: QualysETL makes one hostids call per policy and one postureInfo call per 250 hosts', () => {
    // Three policies of 1000, 251 and 10 hosts: 4 + 2 + 1 slices.
    expect(qualysEtlRequests([1000, 251, 10])).toEqual({
      policyList: 1,
      hostids: 3,
      postureInfo: 7,
      total: 11,
    });
  });

  it('posturesync batches up to 10 policies per hostids call and 1000 hosts per postureInfo call', () => {
    const hosts = Array.from({ length: 12 }, () => 1001);
    expect(posturesyncRequests(hosts)).toEqual({ policyList: 1, hostids: 2, postureInfo: 24, total: 27 });
    expect(posturesyncRequests([500], { batchSize: 100, policiesPerHostIdsCall: 1 }).postureInfo).toBe(5);
  });

  it('normalises to requests per 10k host-policy pairs', () => {
    expect(requestsPerTenThousandPairs(27, 12_012)).toBeCloseTo(22.48, 2);
    expect(requestsPerTenThousandPairs(5, 0)).toBe(0);
  });
});
