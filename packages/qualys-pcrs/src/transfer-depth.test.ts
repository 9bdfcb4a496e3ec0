import { describe, expect, it } from 'vitest';
import { emptyMappedRecords } from './map-posture-record.ts';
import { limitTransferDepth, maxTransferDepth } from './transfer-depth.ts';

function nested(levels: number): unknown {
  let value: unknown = 'bottom';
  for (let index = 0; index < levels; index += 1) value = { inner: value };
  return value;
}

function depthOf(value: unknown): number {
  let depth = 0;
  let current = value;
  while (current !== null && typeof current === 'object') {
    depth += 1;
    current = (current as { inner?: unknown }).inner;
  }
  return depth;
}

describe('limitTransferDepth (issue 18)', () => {
  it('passes ordinary records through untouched, as the same objects', () => {
    const records = emptyMappedRecords();
    const reject = { entity: 'violations' as const, position: 'p', reason: 'r', raw: nested(70) };
    records.rejects.push(reject);
    const limited = limitTransferDepth(records);
    expect(limited.rejects[0]).toBe(reject);
  });

  it('cuts a record nested 5,000 levels deep (too deep for Node to send) at the transfer depth, keeping its first levels', () => {
    const records = emptyMappedRecords();
    records.rejects.push({ entity: 'violations', position: 'p', reason: 'r', raw: nested(5000) });
    const limited = limitTransferDepth(records);
    const raw = limited.rejects[0]?.raw;
    // The reject itself is level 1, its raw level 2: cut below the transfer depth, still far past 64.
    expect(depthOf(raw)).toBe(maxTransferDepth - 1);
    expect(structuredClone(limited)).toEqual(limited);
    expect(records.rejects[0]?.raw).not.toBe(raw);
  });
});
