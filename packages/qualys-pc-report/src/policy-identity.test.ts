import { describe, expect, it } from 'vitest';
import type { ClassicApi } from './classic-api.ts';
import { PolicyIdentity } from './policy-identity.ts';

/** An API that must not be called: the precedence rules answer without the policy list. */
const noApi = {
  request: () => {
    throw new Error('the policy list was asked for');
  },
} as unknown as ClassicApi;

function identity(configuredPolicyId: string | null, launchedPolicyId: string | null) {
  const warnings: string[] = [];
  const resolver = new PolicyIdentity(noApi, {
    configuredPolicyId,
    launchedPolicyId,
    logger: { info: () => {}, warn: (message: string) => warnings.push(message) },
  });
  return { resolver, warnings };
}

describe('PolicyIdentity', () => {
  it('a configured policyId wins over the launch, the file and the title', async () => {
    const { resolver, warnings } = identity('10', '20');
    expect(resolver.knownPolicyId).toBe('10');
    expect(await resolver.resolve({ policyId: '30', title: 'T' })).toBe('10');
    expect(warnings).toEqual([
      'The policy report names policy "30" but policy 10 is configured; its findings are stored under 10.',
    ]);
  });

  it('a launched report uses its launch policy ID', async () => {
    const { resolver } = identity(null, '20');
    expect(await resolver.resolve({ policyId: null, title: 'T' })).toBe('20');
  });

  it('an ID in the file (older layouts, XML) is used as is; no ID and no title gives null', async () => {
    const { resolver } = identity(null, null);
    expect(await resolver.resolve({ policyId: '30', title: 'T' })).toBe('30');
    expect(await resolver.resolve({ policyId: null, title: null })).toBeNull();
  });
});
