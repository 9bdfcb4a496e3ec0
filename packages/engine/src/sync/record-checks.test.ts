import { type EntityName, entitySchemas } from '@posturesync/core';
import { makeDefinition, makeHost, makePolicy, makeViolation } from '@posturesync/core/testing';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { recordChecks } from './record-checks.ts';

class Plain {
  a = 1;
}

interface Probe {
  value: unknown;
  /** zod accepts it in some slot, but the fast check sends it to zod on purpose. */
  unusual?: true;
}

const withSymbol = { a: 1, [Symbol('s')]: 2 };
const probes: Probe[] = [
  { value: undefined },
  { value: null },
  { value: '' },
  { value: 'x' },
  { value: 'a'.repeat(256) },
  { value: 'a'.repeat(257) },
  ...[
    'passed',
    'failed',
    'error',
    'unknown',
    'Passed',
    'open',
    'closed',
    'critical',
    'info',
    'undefined',
  ].map((value) => ({ value })),
  ...[
    '2024-05-01T06:00:12.000Z',
    '2024-05-01T06:00:12Z',
    '2024-02-29T00:00:00Z',
    '2023-02-29T00:00:00Z',
    '2000-02-29T23:59:59.9Z',
    '1900-02-29T00:00:00Z',
    '2024-13-01T00:00:00Z',
    '2024-04-31T00:00:00Z',
    '2024-05-01T24:00:00Z',
    '2024-05-01T06:60:00Z',
    '2024-05-01T06:00:12+00:00',
    '2024-05-01 06:00:12',
    '2024-05-01T06:00Z',
    '2024-05-01T06:00:12.123456789Z',
    ' 2024-05-01T06:00:12Z',
    '2024-05-01T06:00:12z',
    '2024-05-01T06:00:12.Z',
  ].map((value) => ({ value })),
  ...[0, 3, 5, 6, -1, -0, 2.5, Number.NaN, Number.POSITIVE_INFINITY].map((value) => ({ value })),
  { value: 10n },
  { value: true },
  { value: false },
  { value: [] },
  { value: ['a'] },
  { value: [1] },
  { value: ['a', 2] },
  // biome-ignore lint/suspicious/noSparseArray: a hole must fail like undefined
  { value: [, 'a'] },
  { value: {} },
  { value: { a: 1, nested: { b: [1, 'c'] } } },
  { value: Object.create(null) },
  { value: new Date('2024-01-01T00:00:00Z'), unusual: true },
  { value: new Plain(), unusual: true },
  { value: withSymbol, unusual: true },
  { value: JSON.parse('{"__proto__": 1, "a": 2}'), unusual: true },
  { value: { constructor: 'x' }, unusual: true },
  { value: () => 1 },
];

const samples: Record<EntityName, Array<Record<string, unknown>>> = {
  hosts: [makeHost('1'), makeHost('2', { hostname: null, lastScanned: null, tags: ['a', 'b'], raw: {} })],
  policies: [makePolicy('1'), makePolicy('2', { locked: null, createdDate: null, title: null })],
  definitions: [
    makeDefinition('1', '2'),
    makeDefinition('1', '3', { criticalityValue: null, severity: 'undefined', deprecated: true }),
  ],
  violations: [
    makeViolation('1', '2', '3', 'failed'),
    makeViolation('1', '2', '4', 'passed', {
      previousStatus: 'failed',
      evidence: { extendedEvidence: [1, 2] },
      causeOfFailure: 'missing',
      exception: { status: 'Approved' },
      lastPassed: '2024-05-01T06:00:12Z',
    }),
  ],
};

function shapeKeys(entity: EntityName): string[] {
  return Object.keys((entitySchemas[entity] as z.ZodObject).shape);
}

function pick(record: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const key of keys) if (key in record) picked[key] = record[key];
  return picked;
}

/** The contract: a record the fast check passes is one zod accepts, with the same stored content. */
function expectAgreement(entity: EntityName, record: unknown, usual: boolean): void {
  const fast = recordChecks[entity](record);
  const result = (entitySchemas[entity] as z.ZodType).safeParse(record);
  if (fast) {
    expect(result.success, `${entity}: fast check passed what zod rejects: ${show(record)}`).toBe(true);
    // What the store writes is JSON of these fields: it must be the same either way.
    expect(show(pick(record as Record<string, unknown>, shapeKeys(entity)))).toBe(show(result.data));
  } else if (usual) {
    // Not a correctness rule, but the point of the fast path: zod must not be the common path.
    expect(result.success, `${entity}: fast check rejected what zod accepts: ${show(record)}`).toBe(false);
  }
}

function show(record: unknown): string {
  try {
    return JSON.stringify(record, (_key, value: unknown) =>
      typeof value === 'bigint' ? `${value}n` : value,
    );
  } catch {
    return String(record);
  }
}

/** Small deterministic PRNG (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('issue 7: fast record checks agree with the zod schemas', () => {
  for (const entity of Object.keys(samples) as EntityName[]) {
    it(`issue 7: ${entity}: every sample passes, every single-field mutation agrees with zod`, () => {
      const keys = [...shapeKeys(entity), 'extra'];
      for (const sample of samples[entity] ?? []) {
        expect(recordChecks[entity](sample)).toBe(true);
        expectAgreement(entity, sample, true);
        for (const key of keys) {
          const { [key]: _dropped, ...without } = sample;
          expectAgreement(entity, without, true);
          for (const probe of probes) {
            expectAgreement(entity, { ...sample, [key]: probe.value }, probe.unusual !== true);
          }
        }
      }
      for (const probe of probes) expectAgreement(entity, probe.value, true);
    });

    it(`issue 7: ${entity}: random multi-field mutations agree with zod`, () => {
      const next = random(7 + entity.length);
      const keys = shapeKeys(entity);
      for (let round = 0; round < 1500; round += 1) {
        const base = samples[entity]?.[Math.floor(next() * 2)] ?? {};
        const record: Record<string, unknown> = { ...base };
        let usual = true;
        const changes = 1 + Math.floor(next() * 3);
        for (let change = 0; change < changes; change += 1) {
          const key = keys[Math.floor(next() * keys.length)] ?? 'uid';
          // Mostly values that are valid for some field, so that some mutants stay valid.
          const probe = probes[Math.floor(next() * probes.length)] ?? { value: null };
          record[key] = probe.value;
          if (probe.unusual) usual = false;
        }
        expectAgreement(entity, record, usual);
      }
    });
  }
});
