import type { Policy, RejectedRecord } from '@posturesync/core';
import type { QualysPcrsConfig } from './config-schema.ts';
import { mapPolicy } from './map-policy.ts';
import type { PolicyList } from './pcrs-api.ts';

export interface PolicySelection {
  /** Policies to sync, in policy-list order. */
  policies: Policy[];
  rejects: RejectedRecord[];
  warnings: string[];
  /** How many policies the list held before filtering. */
  listed: number;
}

/**
 * Applies the include / exclude lists (exclude wins; IDs compared as strings) and the
 * active-only filter to the policy list.
 */
export function selectPolicies(
  list: PolicyList,
  config: Pick<QualysPcrsConfig, 'policyIds' | 'activeOnly'>,
  sourceName: string,
): PolicySelection {
  const include = new Set(config.policyIds.include ?? []);
  const exclude = new Set(config.policyIds.exclude ?? []);
  const policies: Policy[] = [];
  const rejects: RejectedRecord[] = [];
  const seen = new Set<string>();
  list.policies.forEach((item, index) => {
    const mapped = mapPolicy(item, list.subscriptionId, sourceName, `policy list item ${index + 1}`);
    if ('reject' in mapped) {
      rejects.push(mapped.reject);
      return;
    }
    const policy = mapped.policy;
    seen.add(policy.uid);
    if (exclude.has(policy.uid)) return;
    if (include.size > 0 && !include.has(policy.uid)) return;
    if (config.activeOnly && policy.status?.toLowerCase() !== 'active') return;
    policies.push(policy);
  });
  const warnings: string[] = [];
  for (const id of include) {
    if (!seen.has(id) && !exclude.has(id)) {
      warnings.push(
        `policy ${id} from policyIds.include is not in the Qualys policy list (it does not exist, is not visible to this user, or was filtered out by lastEvaluationDate); it is skipped`,
      );
    }
  }
  return { policies, rejects, warnings, listed: list.policies.length };
}
