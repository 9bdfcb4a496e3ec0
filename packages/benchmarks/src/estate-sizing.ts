import type { EstateOptions } from '@posturesync/qualys-simulator';
import {
  createEstate,
  generatePolicyReportCsv,
  generatePolicyReportXml,
} from '@posturesync/qualys-simulator';

/**
 * Estates are sized by measuring a small estate of the same shape and scaling the host count:
 * posture records, host-policy pairs and report bytes all grow linearly with hosts.
 */
const probeHosts = 1000;

export interface SizedEstate {
  estate: Required<Pick<EstateOptions, 'seed' | 'hosts' | 'policies' | 'controlsPerPolicy'>>;
  /** Records (or bytes) the sizing expects. */
  expected: number;
}

type Shape = Required<Pick<EstateOptions, 'seed' | 'policies' | 'controlsPerPolicy'>>;

function activePolicyIds(options: EstateOptions): { estate: ReturnType<typeof createEstate>; ids: string[] } {
  const estate = createEstate(options);
  return {
    estate,
    ids: estate
      .policies()
      .filter((policy) => policy.status === 'active')
      .map((policy) => policy.id),
  };
}

export function estateForPostureRecords(records: number, shape: Shape): SizedEstate {
  const { estate, ids } = activePolicyIds({ ...shape, hosts: probeHosts });
  const perHost = estate.postureRecordCount(ids) / probeHosts;
  const hosts = Math.max(1, Math.round(records / perHost));
  return { estate: { ...shape, hosts }, expected: Math.round(hosts * perHost) };
}

/** Enough hosts for about `requests` postureInfo calls of `batchSize` hosts over all active policies. */
export function estateForPostureCalls(requests: number, batchSize: number, shape: Shape): SizedEstate {
  const { estate, ids } = activePolicyIds({ ...shape, hosts: probeHosts });
  const membership = ids.reduce((sum, id) => sum + estate.hostIdsForPolicy(id).length, 0) / probeHosts;
  const hosts = Math.max(1, Math.round((requests * batchSize) / membership));
  return { estate: { ...shape, hosts }, expected: requests };
}

/** Hosts for a Policy Report (of the estate's first policy) of about `bytes`. */
export async function estateForReportBytes(
  bytes: number,
  format: 'xml' | 'csv',
  shape: Shape,
): Promise<SizedEstate> {
  const hosts = 200;
  const estate = createEstate({ ...shape, hosts });
  const spec = { title: 'Sizing probe', format };
  const chunks =
    format === 'xml' ? generatePolicyReportXml(estate, spec) : generatePolicyReportCsv(estate, spec);
  let size = 0;
  for await (const chunk of chunks) size += Buffer.byteLength(chunk);
  const sized = Math.max(1, Math.round((bytes / size) * hosts));
  return { estate: { ...shape, hosts: sized }, expected: bytes };
}
