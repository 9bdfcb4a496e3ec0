import { SecretRedactor, violationSchema } from '@posturesync/core';
import { makeHost, makeViolation } from '@posturesync/core/testing';
import { describe, expect, it } from 'vitest';
import { describeIssues, validateBatch } from './validate-batch.ts';

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
    // A cycle is endlessly deep: quarantined as too deep, its first levels kept (redacted).
    expect(result.quarantine[2]!.reason).toContain('nested deeper than 64 levels');
    expect(result.quarantine[2]!.raw).toMatchObject({ note: '[REDACTED]', self: { note: '[REDACTED]' } });
    expect(() => JSON.stringify(result.quarantine[2]!.raw)).not.toThrow();
    expect(result.quarantine[3]!.raw).toEqual({ token: '[REDACTED]' });
    expect(JSON.stringify(result.quarantine.slice(0, 2))).not.toContain('s3cr3t-value');
  });
});

describe('issue 7: batch validation fast path', () => {
  it('issue 7: keeps, drops and words records exactly as zod alone does', () => {
    const redactor = new SecretRedactor();
    const violations = [
      makeViolation('1', '7', '3', 'failed'),
      makeViolation('2', '7', '3', 'bogus' as never),
      // Valid but unusual: zod drops an own __proto__ key from raw, so zod must handle it.
      makeViolation('3', '7', '3', 'passed', { raw: JSON.parse('{"__proto__": 1, "a": 2}') }),
      makeViolation('4', '7', '3', 'error', { lastEvaluated: '2024-02-30T00:00:00Z' }),
      makeViolation('5', '7', '3', 'unknown', { lastEvaluated: '2024-02-29T00:00:00.5Z' }),
      { ...makeViolation('6', '7', '3', 'failed'), extra: 'ignored' },
    ];
    const result = validateBatch({ stream: 's', position: 'p', violations }, redactor);
    const expected = violations.map((record) => violationSchema.safeParse(record));
    expect(JSON.stringify(result.records.violations.map((record) => violationSchema.parse(record)))).toBe(
      JSON.stringify(expected.filter((outcome) => outcome.success).map((outcome) => outcome.data)),
    );
    expect(result.records.violations.map((record) => record.uid)).toEqual([
      '1:7:3',
      '3:7:3',
      '5:7:3',
      '6:7:3',
    ]);
    expect(result.records.violations[1]?.raw).toEqual({ a: 2 });
    expect(result.quarantine.map((entry) => entry.reason)).toEqual(
      expected.flatMap((outcome) => (outcome.success ? [] : [describeIssues(outcome.error.issues)])),
    );
  });

  it('issue 13: a record nested 5,000 levels deep is quarantined, not thrown at the store', () => {
    let deep: unknown = 'bottom';
    for (let index = 0; index < 5000; index++) deep = { inner: deep };
    const result = validateBatch(
      {
        stream: 'postureInfo',
        position: 'policy 7 page 1',
        violations: [
          makeViolation('1', '7', '3', 'failed', { raw: { evidence: deep } as never }),
          makeViolation('2', '7', '3', 'passed'),
        ],
      },
      new SecretRedactor(),
    );
    expect(result.records.violations.map((violation) => violation.hostUid)).toEqual(['2']);
    expect(result.quarantine).toHaveLength(1);
    expect(result.quarantine[0]!.reason).toContain('nested deeper than 64 levels');
    expect(JSON.stringify(result.quarantine[0]!.raw).length).toBeLessThan(2000);
  });

  it('issue 13: a quarantine reason echoing a 5 MB cell is cut with a marker', () => {
    const cell = 'y'.repeat(5 * 1024 * 1024);
    const result = validateBatch(
      {
        stream: 'report',
        position: 'report 1 row 9',
        rejects: [
          { entity: 'violations', position: 'report 1 row 9', reason: `unparsable date "${cell}"`, raw: {} },
        ],
      },
      new SecretRedactor(),
    );
    expect(result.quarantine[0]!.reason.length).toBeLessThan(1000);
    expect(result.quarantine[0]!.reason).toContain('more characters cut]');
  });
});
