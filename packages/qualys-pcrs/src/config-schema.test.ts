import { describe, expect, it } from 'vitest';
import { qualysPcrsConfigSchema, resolveGatewayUrl } from './config-schema.ts';
import { platformGateways } from './platforms.ts';

const base = { username: 'posturesync_demo', password: 'demo-password' };

describe('qualysPcrsConfigSchema', () => {
  it('applies the documented defaults', () => {
    const config = qualysPcrsConfigSchema.parse({ ...base, platform: 'US1' });
    expect(config).toMatchObject({
      apiVersion: '2.0',
      policyIds: {},
      activeOnly: true,
      evidence: false,
      batchSize: 1000,
      policiesPerHostIdsCall: 10,
      parallelRequests: 2,
      maxRetries: 5,
      readTimeoutSeconds: 180,
      rateLimit: { requests: 25, perSeconds: 60 },
      incrementalSafetyMarginMinutes: 60,
      tlsVerify: true,
    });
    expect(resolveGatewayUrl(config)).toBe('https://gateway.qg1.apps.qualys.com');
  });

  it('requires exactly one of platform and gatewayUrl', () => {
    const neither = qualysPcrsConfigSchema.safeParse(base);
    expect(neither.success).toBe(false);
    expect(neither.error?.issues[0]?.message).toMatch(/set either platform \(one of US1/);
    const both = qualysPcrsConfigSchema.safeParse({
      ...base,
      platform: 'EU1',
      gatewayUrl: 'https://gw.example',
    });
    expect(both.error?.issues[0]?.message).toMatch(/not both/);
    const custom = qualysPcrsConfigSchema.parse({
      ...base,
      gatewayUrl: 'https://gateway.qg1.apps.example.com/',
    });
    expect(resolveGatewayUrl(custom)).toBe('https://gateway.qg1.apps.example.com');
  });

  it('normalizes policy ids to strings and accepts rateLimit false', () => {
    const config = qualysPcrsConfigSchema.parse({
      ...base,
      platform: 'AE1',
      policyIds: { include: [123, '456'], exclude: [789] },
      rateLimit: false,
    });
    expect(config.policyIds).toEqual({ include: ['123', '456'], exclude: ['789'] });
    expect(config.rateLimit).toBe(false);
  });

  it('rejects out-of-range values', () => {
    expect(qualysPcrsConfigSchema.safeParse({ ...base, platform: 'US1', batchSize: 5001 }).success).toBe(
      false,
    );
    expect(
      qualysPcrsConfigSchema.safeParse({ ...base, platform: 'US1', policiesPerHostIdsCall: 11 }).success,
    ).toBe(false);
    expect(qualysPcrsConfigSchema.safeParse({ ...base, platform: 'US1', apiVersion: '6.0' }).success).toBe(
      false,
    );
    expect(
      qualysPcrsConfigSchema.safeParse({ ...base, platform: 'US1', lastEvaluationDate: '01/02/2024' })
        .success,
    ).toBe(false);
  });

  it('documents every option', () => {
    const fields = Object.values(qualysPcrsConfigSchema.shape);
    expect(fields.length).toBeGreaterThanOrEqual(17);
    for (const value of fields) {
      expect((value as { description?: string }).description).toBeTruthy();
    }
  });
});

describe('platformGateways', () => {
  it('issue 4: maps AE1 to the .ae gateway (QualysETL maps it to the EU host)', () => {
    expect(platformGateways.AE1).toBe('https://gateway.qg1.apps.qualys.ae');
    expect(Object.keys(platformGateways)).toHaveLength(13);
  });
});
