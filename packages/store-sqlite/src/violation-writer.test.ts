import type { Violation } from '@posturesync/core';
import { makeViolation } from '@posturesync/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from './sqlite-store.ts';

const stores: SqliteStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

function open(): SqliteStore {
  const store = SqliteStore.open(':memory:');
  stores.push(store);
  return store;
}

const scope = (runId: number) => ({
  instance: 'pcrs-eu',
  runId,
  generation: runId,
  now: `2024-06-0${runId}T00:00:00.000Z`,
});

/** 300 findings: two statements of 128, two of 16 and 12 single ones. */
function findings(host: (index: number) => string, status: Violation['status'] = 'failed'): Violation[] {
  return Array.from({ length: 300 }, (_, index) =>
    makeViolation(host(index), 'p1', `c${index}`, status, {
      uid: `finding-${index}`,
      actualValue: index % 7 === 0 ? null : `value ${index}`,
      evidence: index % 5 === 0 ? { lines: [`line ${index}`] } : null,
    }),
  );
}

function violationRows(store: SqliteStore): unknown[] {
  expect(store.database.pragma('integrity_check', { simple: true })).toBe('ok');
  return store.database.prepare('SELECT * FROM violations ORDER BY uid').all();
}

/** Each finding in its own batch: one single-row upsert per finding, the plain path. */
function writeOneByOne(store: SqliteStore, runId: number, violations: readonly Violation[]): void {
  for (const violation of violations) store.upsertRecords(scope(runId), { violations: [violation] });
}

describe('issue 18: many findings per statement', () => {
  it('stores exactly what one upsert per finding stores: first sight, unchanged, changed and moved keys', () => {
    const batched = open();
    const single = open();
    const first = findings((index) => `h${index % 9}`);
    // Run 2: the same findings, a third with a new status, and two in the middle of the first
    // 128-row statement and one among the single rows now name another host and definition.
    const second = first.map((violation, index) => {
      if (index === 40 || index === 41 || index === 295) {
        return { ...violation, hostUid: 'moved-host', definitionUid: `p1:moved-${index}` };
      }
      return index % 3 === 0
        ? { ...violation, status: 'passed' as const, statusCategory: 'closed' as const }
        : violation;
    });
    batched.upsertRecords(scope(1), { violations: first });
    writeOneByOne(single, 1, first);
    batched.upsertRecords(scope(2), { violations: second });
    writeOneByOne(single, 2, second);
    expect(violationRows(batched)).toEqual(violationRows(single));
    expect(batched.database.prepare('SELECT * FROM status_changes ORDER BY id').all()).toEqual(
      single.database.prepare('SELECT * FROM status_changes ORDER BY id').all(),
    );
    const moved = batched.database
      .prepare(
        "SELECT uid, definition_uid FROM violations INDEXED BY idx_violations_host WHERE host_uid = 'moved-host' ORDER BY uid",
      )
      .all();
    expect(moved).toEqual([
      { uid: 'finding-295', definition_uid: 'p1:moved-295' },
      { uid: 'finding-40', definition_uid: 'p1:moved-40' },
      { uid: 'finding-41', definition_uid: 'p1:moved-41' },
    ]);
  });

  it('lets the last copy of a finding repeated within one statement win, as one upsert each would', () => {
    const batched = open();
    const single = open();
    const base = findings((index) => `h${index % 4}`);
    const copy = {
      ...base[3]!,
      hostUid: 'other',
      status: 'passed' as const,
      statusCategory: 'closed' as const,
    };
    const repeated = [...base.slice(0, 10), copy, ...base.slice(10)];
    batched.upsertRecords(scope(1), { violations: repeated });
    writeOneByOne(single, 1, repeated);
    expect(violationRows(batched)).toEqual(violationRows(single));
    expect(
      batched.database.prepare("SELECT host_uid, status FROM violations WHERE uid = 'finding-3'").get(),
    ).toEqual({
      host_uid: 'other',
      status: 'passed',
    });
  });
});
