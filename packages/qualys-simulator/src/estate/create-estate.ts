import { ConfigError } from '@posturesync/core';
import { isoSeconds } from './dates.ts';
import { createEstateContext, type EstateContext } from './estate-context.ts';
import { hostAt, hostIndexOf } from './generate-host.ts';
import { generatePolicies } from './generate-policies.ts';
import { generateResult } from './generate-result.ts';
import { resultsOfHost } from './host-results.ts';
import { countForHost, instancesFor, isMember } from './membership.ts';
import { postureRecordsOf } from './posture-records.ts';
import { evaluationDelayMs } from './scan-times.ts';
import type { Estate, EstateOptions, SimHost, SimPolicy } from './types.ts';

/**
 * A seeded estate: hosts, policies and results are generated on demand from the seed (nothing is
 * stored but the rescans), so any host or result can be generated on its own and a large estate
 * costs no memory.
 */
export function createEstate(input: EstateOptions = {}): Estate {
  const context = createEstateContext(input);
  const { options, history } = context;
  const policyList = generatePolicies(context);
  const policyIndexById = new Map(policyList.map((policy) => [policy.id, policy.index]));

  function currentPolicy(policy: SimPolicy): SimPolicy {
    const override = history.policyEvaluatedMs(policy.index);
    return override === undefined ? policy : { ...policy, lastEvaluatedDate: isoSeconds(override) };
  }

  function lookupPolicy(policyId: string): SimPolicy | undefined {
    const index = policyIndexById.get(policyId);
    return index === undefined ? undefined : currentPolicy(policyList[index]!);
  }

  function lookupHost(hostId: string): SimHost | undefined {
    const index = hostIndexOf(context, hostId);
    return index === undefined ? undefined : hostAt(context, index);
  }

  function* lookupHosts(hostIds: readonly string[]): Generator<SimHost> {
    for (const hostId of hostIds) {
      const host = lookupHost(hostId);
      if (host) yield host;
    }
  }

  function* allHosts(): Generator<SimHost> {
    for (let index = 0; index < options.hosts; index++) yield hostAt(context, index);
  }

  return {
    options,
    subscriptionId: options.subscriptionId,
    customerUuid: context.customerUuid,
    customerId: context.customerId,
    policies: () => policyList.map(currentPolicy),
    policy: lookupPolicy,
    hosts: allHosts,
    host: lookupHost,
    hostIdsForPolicy(policyId, hostOptions = {}) {
      const policy = lookupPolicy(policyId);
      if (!policy) return [];
      const ids: string[] = [];
      for (const host of allHosts()) {
        if (!isMember(context, policy, host)) continue;
        if (
          hostOptions.lastScanDate &&
          Date.parse(host.complianceLastScanDate) < hostOptions.lastScanDate.getTime()
        ) {
          continue;
        }
        ids.push(host.hostId);
      }
      return ids;
    },
    isHostInPolicy(policyId, hostId) {
      const policy = lookupPolicy(policyId);
      const host = lookupHost(hostId);
      return policy !== undefined && host !== undefined && isMember(context, policy, host);
    },
    *resultsForHost(policyId, hostId, filter) {
      const policy = lookupPolicy(policyId);
      const host = lookupHost(hostId);
      if (policy && host) yield* resultsOfHost(context, policy, host, filter);
    },
    resultsForHostControl(policyId, hostId, controlIndex) {
      const policy = lookupPolicy(policyId);
      const host = lookupHost(hostId);
      const control = policy?.controls[controlIndex];
      if (!policy || !host || !control || !isMember(context, policy, host)) return [];
      return instancesFor(control, host).map(({ technology, instance }, i) =>
        generateResult(context, policy, host, control, technology, instance, i),
      );
    },
    *postureRecords(policyId, hostIds, recordOptions = {}) {
      const policy = lookupPolicy(policyId);
      if (policy) yield* postureRecordsOf(context, policy, lookupHosts(hostIds), recordOptions);
    },
    postureRecordCount(policyIds) {
      const selected = policyIds
        ? policyIds.map(lookupPolicy).filter((policy): policy is SimPolicy => policy !== undefined)
        : policyList;
      let count = 0;
      for (const host of allHosts()) {
        for (const policy of selected) count += countForHost(context, policy, host);
      }
      return count;
    },
    resultCountForHost(policyId, hostId) {
      const policy = lookupPolicy(policyId);
      const host = lookupHost(hostId);
      return policy && host ? countForHost(context, policy, host) : 0;
    },
    rescan(hostIds, at) {
      rescanHosts(context, policyList, hostIds, at, options.rescanFlipRatio);
    },
    flipResults(at = new Date()) {
      const all = Array.from(allHosts(), (host) => host.hostId);
      rescanHosts(context, policyList, all, at, options.flipRatio);
    },
  };
}

/** Rescans the hosts at `at`; each of their results flips status with probability `flipRatio` (seeded). */
function rescanHosts(
  context: EstateContext,
  policyList: readonly SimPolicy[],
  hostIds: readonly string[],
  at: Date,
  flipRatio: number,
): void {
  const atMs = Math.floor(at.getTime() / 1000) * 1000;
  if (Number.isNaN(atMs)) throw new ConfigError('rescan needs a valid Date.');
  for (const hostId of hostIds) {
    const index = hostIndexOf(context, hostId);
    if (index === undefined) continue;
    const generation = context.history.addRescan(index, atMs, flipRatio);
    const host = hostAt(context, index);
    const evaluatedMs = atMs + evaluationDelayMs(context, index, generation);
    for (const policy of policyList) {
      if (!isMember(context, policy, host)) continue;
      const before = Math.max(
        Date.parse(policy.lastEvaluatedDate),
        context.history.policyEvaluatedMs(policy.index) ?? 0,
      );
      context.history.setPolicyEvaluatedMs(policy.index, Math.max(before, evaluatedMs));
    }
  }
}
