import { createMetrics, type Violation } from '@posturesync/core';
import { makeDefinition, makeHost, makePolicy, makeViolation } from '@posturesync/core/testing';
import type { Store } from '../store/store.ts';
import type { RecordCounts, RecordSet, RunProgress, SyncState } from '../store/types.ts';

/** The small estate and run helpers the store contract suite writes through the interface. */

export const instance = 'contract';
export const connectorId = 'contract-connector';
export const zeroCounts: RecordCounts = { hosts: 0, policies: 0, definitions: 0, violations: 0 };

export function progressOf(counts: RecordCounts, batches = 1): RunProgress {
  return {
    counts,
    batches,
    quarantined: 0,
    closed: 0,
    metrics: createMetrics(),
    warningCount: 0,
    warnings: [],
  };
}

export function stateOf(
  runId: number,
  generation: number,
  inProgress: boolean,
  checkpoint: unknown,
): SyncState {
  return {
    generation,
    inProgress,
    runId,
    connector: checkpoint as SyncState['connector'],
    pendingScopes: [],
    warningCount: 0,
    tainted: { all: false, policies: [] },
    deferredScopes: [],
  };
}

/** Starts a run of a new generation. */
export function newRun(store: Store, startedAt: string) {
  return store.createRun({
    instance,
    connectorId,
    configFingerprint: 'f1',
    generation: null,
    resumedFromRunId: null,
    full: false,
    startedAt,
  });
}

export function countsOf(records: RecordSet): RecordCounts {
  return {
    hosts: records.hosts?.length ?? 0,
    policies: records.policies?.length ?? 0,
    definitions: records.definitions?.length ?? 0,
    violations: records.violations?.length ?? 0,
  };
}

/** A small estate: two hosts, one policy, two controls, so four findings. */
export function estate(
  statuses: Record<string, Violation['status']> = {},
): RecordSet & { violations: Violation[] } {
  const violations: Violation[] = [];
  for (const host of ['h1', 'h2']) {
    for (const control of ['c1', 'c2']) {
      violations.push(makeViolation(host, 'p1', control, statuses[`${host}:${control}`] ?? 'passed'));
    }
  }
  return {
    hosts: [makeHost('h1'), makeHost('h2')],
    policies: [makePolicy('p1')],
    definitions: [makeDefinition('p1', 'c1'), makeDefinition('p1', 'c2', { severity: 'high' })],
    violations,
  };
}

export async function readAll(store: Store, name: Parameters<Store['readRelation']>[0]) {
  const relation = await store.readRelation(name);
  const rows: Array<Record<string, unknown>> = [];
  for await (const row of relation.rows) {
    const record: Record<string, unknown> = {};
    relation.columns.forEach((column, index) => {
      record[column] = row[index];
    });
    rows.push(record);
  }
  return { columns: relation.columns, rows };
}
