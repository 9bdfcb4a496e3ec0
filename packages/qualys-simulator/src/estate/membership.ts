import type { EstateContext } from './estate-context.ts';
import { salt, unitInterval } from './random.ts';
import type { SimControl, SimHost, SimPolicy } from './types.ts';

export interface ControlInstance {
  technology: SimHost['osTechnology'];
  instance: string;
}

/** A host is in a policy of its OS family (or of any family) with the seeded `membershipRatio`. */
export function isMember(context: EstateContext, policy: SimPolicy, host: SimHost): boolean {
  if (policy.family !== 'any' && policy.family !== host.osFamily) return false;
  return (
    unitInterval(context.seed, host.index, policy.index, salt.membership) < context.options.membershipRatio
  );
}

/** What a control is evaluated on: the OS once, a database control once per matching instance. */
export function instancesFor(control: SimControl, host: SimHost): ControlInstance[] {
  if (control.kind === 'os') return [{ technology: host.osTechnology, instance: 'os' }];
  const result: ControlInstance[] = [];
  for (const database of host.databases) {
    if (database.technology.id !== control.databaseTechnologyId) continue;
    for (const instance of database.instances) result.push({ technology: database.technology, instance });
  }
  return result;
}

/** The number of results the host has in the policy, without generating them. */
export function countForHost(context: EstateContext, policy: SimPolicy, host: SimHost): number {
  if (!isMember(context, policy, host)) return 0;
  let count = 0;
  for (const control of policy.controls) count += instancesFor(control, host).length;
  return count;
}
