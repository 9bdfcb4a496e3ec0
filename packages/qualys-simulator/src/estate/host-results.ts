import type { EstateContext } from './estate-context.ts';
import { generateResult } from './generate-result.ts';
import { instancesFor, isMember } from './membership.ts';
import { passesHostFilter, passesResultFilter } from './result-filters.ts';
import type { ResultFilter, SimHost, SimPolicy, SimResult } from './types.ts';

/** The host's results in the policy, in control order, generated one at a time. */
export function* resultsOfHost(
  context: EstateContext,
  policy: SimPolicy,
  host: SimHost,
  filter?: ResultFilter,
): Generator<SimResult> {
  if (!isMember(context, policy, host) || !passesHostFilter(host, filter)) return;
  for (const control of policy.controls) {
    const instances = instancesFor(control, host);
    for (let i = 0; i < instances.length; i++) {
      const { technology, instance } = instances[i]!;
      const result = generateResult(context, policy, host, control, technology, instance, i);
      if (passesResultFilter(result, filter)) yield result;
    }
  }
}
