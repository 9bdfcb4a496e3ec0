import type { CompletedScope } from '@posturesync/core';
import type { CommitBatchInput, FinishRunInput, RecordSet, SyncState } from '@posturesync/engine';
import type { SqliteStore } from '@posturesync/store-sqlite';
import { expect } from 'vitest';
import type { PostgresStore } from '../src/index.ts';
import { relationOrder } from '../src/relation-order.ts';
import { estate, host, violation } from './estate.ts';

const metrics = {
  requests: 3,
  retries: 1,
  rateLimitWaits: 0,
  rateLimitWaitMs: 0,
  throttledWaits: 0,
  throttledWaitMs: 0,
  bytesReceived: 1234,
};

function progress(
  batches: number,
  counts: CommitBatchInput['progress']['counts'],
): CommitBatchInput['progress'] {
  return { counts, batches, quarantined: 0, closed: 0, metrics, warningCount: 0, warnings: [] };
}

export interface Driver {
  createRun(
    instance: string,
    generation: number | null,
    startedAt: string,
  ): Promise<{ id: number; generation: number }>;
  commitBatch(input: CommitBatchInput): Promise<unknown>;
  finishGeneration(input: {
    instance: string;
    runId: number;
    now: string;
    closeScopes: Array<{ generation: number; scopes: CompletedScope[] }>;
    state: SyncState;
    finish: Omit<FinishRunInput, 'closed'>;
  }): Promise<number>;
  rows(relation: string): Promise<unknown[][]>;
}

export function sqliteDriver(store: SqliteStore): Driver {
  return {
    createRun: async (instance, generation, startedAt) =>
      store.createRun({
        instance,
        connectorId: 'test',
        configFingerprint: 'f',
        generation,
        resumedFromRunId: null,
        full: false,
        startedAt,
      }),
    commitBatch: async (input) => store.commitBatch(input),
    finishGeneration: async (input) => store.finishGeneration({ ...input, connectorId: 'test' }),
    rows: async (relation) => {
      const order = relationOrder[relation as keyof typeof relationOrder];
      return store.database
        .prepare(`SELECT * FROM ${relation}${order ? ` ORDER BY ${order}` : ''}`)
        .raw(true)
        .all() as unknown[][];
    },
  };
}

export function postgresDriver(store: PostgresStore): Driver {
  return {
    createRun: (instance, generation, startedAt) =>
      store.createRun({
        instance,
        connectorId: 'test',
        configFingerprint: 'f',
        generation,
        resumedFromRunId: null,
        full: false,
        startedAt,
      }),
    commitBatch: (input) => store.commitBatch(input),
    finishGeneration: (input) => store.finishGeneration({ ...input, connectorId: 'test' }),
    rows: async (relation) => {
      const { rows } = await store.readRelation(relation as never);
      const all: unknown[][] = [];
      for await (const row of rows) all.push([...row]);
      return all;
    },
  };
}

function state(generation: number, runId: number, inProgress: boolean): SyncState {
  return { generation, inProgress, runId, connector: { page: runId }, pendingScopes: [], warningCount: 0 };
}

/** Three runs: first sight, changes plus absences, a reappearance and fixes; a quarantined record; duplicates. */
export async function scenario(driver: Driver): Promise<void> {
  const instance = 'qualys-eu';
  const first = estate({ hosts: 6, policies: 2, controls: 5 });
  const run1 = await driver.createRun(instance, null, '2024-05-01T00:00:00.000Z');
  const scope1 = {
    instance,
    runId: run1.id,
    generation: run1.generation,
    connectorId: 'test',
    now: '2024-05-01T00:01:00.000Z',
  };
  const half = Math.floor(first.violations.length / 2);
  const batchA: RecordSet = {
    hosts: [...first.hosts, host(1, ['only-the-last-copy-counts'])],
    policies: first.policies,
    definitions: first.definitions,
    // The same finding twice in one batch: the last copy wins and only it is logged.
    violations: [...first.violations.slice(0, half), violation(1, 1, 1, 'error')],
  };
  await driver.commitBatch({
    scope: scope1,
    records: batchA,
    quarantine: [
      {
        runId: run1.id,
        instance,
        entity: 'violation',
        position: 'batch 1 violations[3]',
        reason: 'status: Invalid',
        raw: { big: 1n, text: 'x' },
      },
    ],
    state: state(run1.generation, run1.id, true),
    progress: progress(1, { hosts: 7, policies: 2, definitions: 10, violations: half + 1 }),
  });
  await driver.commitBatch({
    scope: { ...scope1, now: '2024-05-01T00:02:00.000Z' },
    records: { violations: first.violations.slice(half) },
    quarantine: [],
    progress: progress(2, {
      hosts: 7,
      policies: 2,
      definitions: 10,
      violations: first.violations.length + 1,
    }),
  });
  const scopes: CompletedScope[] = [{ policyUid: 'p1' }, { policyUid: 'p2', network: null }];
  await driver.finishGeneration({
    instance,
    runId: run1.id,
    now: '2024-05-01T00:03:00.000Z',
    closeScopes: [{ generation: run1.generation, scopes }],
    state: state(run1.generation, run1.id, false),
    finish: {
      ...progress(2, { hosts: 7, policies: 2, definitions: 10, violations: 61 }),
      outcome: 'succeeded',
      finishedAt: '2024-05-01T00:03:00.000Z',
      errorCode: null,
      errorMessage: null,
    },
  });

  // Run 2: host 6 gone (its findings close as absent), statuses flipped on host 2.
  const second = estate({
    hosts: 5,
    policies: 2,
    controls: 5,
    status: (h, p, c) => (h === 2 ? 'failed' : (h + p + c) % 3 === 0 ? 'failed' : 'passed'),
  });
  const run2 = await driver.createRun(instance, null, '2024-05-02T00:00:00.000Z');
  await driver.commitBatch({
    scope: {
      instance,
      runId: run2.id,
      generation: run2.generation,
      connectorId: 'test',
      now: '2024-05-02T00:01:00.000Z',
    },
    records: second,
    quarantine: [],
    state: state(run2.generation, run2.id, true),
    progress: progress(1, { hosts: 5, policies: 2, definitions: 10, violations: 50 }),
  });
  const closed = await driver.finishGeneration({
    instance,
    runId: run2.id,
    now: '2024-05-02T00:03:00.000Z',
    closeScopes: [
      { generation: run2.generation, scopes: [{ policyUid: 'p1' }, { policyUid: 'p2', hostUids: ['h6'] }] },
    ],
    state: state(run2.generation, run2.id, false),
    finish: {
      ...progress(1, { hosts: 5, policies: 2, definitions: 10, violations: 50 }),
      outcome: 'succeeded',
      finishedAt: '2024-05-02T00:03:00.000Z',
      errorCode: null,
      errorMessage: null,
    },
  });
  expect(closed).toBe(10);

  // Run 3 (partial, nothing closed): host 6 reappears with one changed finding.
  const run3 = await driver.createRun(instance, null, '2024-05-03T00:00:00.000Z');
  await driver.commitBatch({
    scope: {
      instance,
      runId: run3.id,
      generation: run3.generation,
      connectorId: 'test',
      now: '2024-05-03T00:01:00.000Z',
    },
    records: {
      hosts: [host(6, [])],
      // Reappearing after absence, and two fixes (failed -> passed) for the remediation views.
      violations: [
        violation(6, 1, 1, 'passed'),
        violation(6, 1, 2, 'unknown'),
        violation(1, 1, 1, 'passed'),
        violation(2, 1, 2, 'passed'),
      ],
    },
    quarantine: [],
    state: state(run3.generation, run3.id, true),
    progress: progress(1, { hosts: 1, policies: 0, definitions: 0, violations: 2 }),
  });
  await driver.finishGeneration({
    instance,
    runId: run3.id,
    now: '2024-05-03T00:03:00.000Z',
    closeScopes: [],
    state: state(run3.generation, run3.id, false),
    finish: {
      ...progress(1, { hosts: 1, policies: 0, definitions: 0, violations: 2 }),
      outcome: 'partial',
      finishedAt: '2024-05-03T00:03:00.000Z',
      errorCode: null,
      errorMessage: null,
    },
  });
}
