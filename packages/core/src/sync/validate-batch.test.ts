import { describe, expect, it } from 'vitest';
import { SecretRedactor } from '../log/redact.ts';
import { makeHost, makeViolation } from '../store/test-support/sample-records.ts';
import { validateBatch } from './validate-batch.ts';

describe('issue 6: batch validation', () => {
  it('keeps valid records, quarantines invalid ones with position, uid and a readable reason', () => {
    const redactor = new SecretRedactor();
    redactor.add('s3cr3t-value');
    const cyclic: Record<string, unknown> = { note: 's3cr3t-value' };
    cyclic.self = cyclic;
    const result = validateBatch(
      {
        stream: 'postureInfo',
        position: 'policy 7 page 2',
        hosts: [makeHost('1'), { ...makeHost('2'), tags: 'prod' } as never],
        violations: [makeViolation('1', '7', '3', 'failed', { lastFailed: '05/01/2024' }), cyclic as never],
        rejects: [
          { entity: 'policies', position: 'policy list item 3', reason: 'no id', raw: { token: 'abc' } },
        ],
      },
      redactor,
    );
    expect(result.records.hosts.map((host) => host.uid)).toEqual(['1']);
    expect(result.records.violations).toEqual([]);
    expect(result.quarantine.map((entry) => entry.position)).toEqual([
      'policy 7 page 2 hosts[1] uid 2',
      'policy 7 page 2 violations[0] uid 1:7:3',
      'policy 7 page 2 violations[1]',
      'policy list item 3',
    ]);
    expect(result.quarantine[0]!.reason).toMatch(/^tags: /);
    expect(result.quarantine[1]!.reason).toMatch(/^lastFailed: /);
    expect(result.quarantine[2]!.raw).toBe('[object Object]');
    expect(result.quarantine[3]!.raw).toEqual({ token: '[REDACTED]' });
    expect(JSON.stringify(result.quarantine.slice(0, 2))).not.toContain('s3cr3t-value');
  });
});
