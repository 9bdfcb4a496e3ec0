import type { EstateContext } from './estate-context.ts';
import { resultsOfHost } from './host-results.ts';
import { countForHost } from './membership.ts';
import { toPostureRecord } from './posture-record.ts';
import { passesHostFilter } from './result-filters.ts';
import type { PostureRecord, ResultFilter, SimHost, SimPolicy } from './types.ts';

const recordsPerBatch = 1000;
const approximateRecordKb = 1.1;

/**
 * The PCRS records of the hosts in one policy, in host order, with the batch counters and data
 * sizes postureInfo sends. Only the host list is held; records are built one at a time.
 */
export function* postureRecordsOf(
  context: EstateContext,
  policy: SimPolicy,
  candidates: Iterable<SimHost>,
  options: { evidence?: boolean; filter?: ResultFilter },
): Generator<PostureRecord> {
  const hosts: SimHost[] = [];
  let total = 0;
  for (const host of candidates) {
    if (!passesHostFilter(host, options.filter)) continue;
    const count = countForHost(context, policy, host);
    if (count === 0) continue;
    hosts.push(host);
    total += count;
  }
  const totalBatches = Math.max(1, Math.ceil(total / recordsPerBatch));
  const totalKb = (total * approximateRecordKb).toFixed(2);
  let served = 0;
  for (const host of hosts) {
    for (const result of resultsOfHost(context, policy, host, options.filter)) {
      const batch = Math.floor(served / recordsPerBatch) + 1;
      const inBatch = Math.min(recordsPerBatch, total - (batch - 1) * recordsPerBatch);
      yield toPostureRecord(result, {
        evidence: options.evidence === true,
        customerUuid: context.customerUuid,
        customerId: context.customerId,
        currentBatch: batch,
        totalBatches,
        currentDataSizeKB: (Math.max(inBatch, 1) * approximateRecordKb).toFixed(2),
        totalDataSizeKB: totalKb,
      });
      served++;
    }
  }
}
