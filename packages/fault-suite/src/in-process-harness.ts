import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, type LogRecord, SecretRedactor } from '@posturesync/core';
import { runSync, type SyncRunRecord, type SyncRunSummary } from '@posturesync/engine';
import {
  createEstate,
  type RunningSimulator,
  type SimulatorOptions,
  startQualysSimulator,
} from '@posturesync/qualys-simulator';
import { SqliteStore } from '@posturesync/store-sqlite';
import { expect } from 'vitest';
import { type ConnectorKind, connectorConfig, definitionFor, instanceOf } from './connectors.ts';
import { consistencyProblems, storeText } from './consistency.ts';
import type { DatabaseStart, InProcessFaultCase } from './fault-cases.ts';
import { secretLeaks } from './secrets.ts';
import {
  type EntitySnapshot,
  entitySnapshot,
  lostOrDamagedRows,
  newlyClosed,
  orderDependentColumns,
  snapshotDifferences,
} from './snapshot.ts';
import {
  changedEstate,
  type ReportVariant,
  reportsWithNewerOne,
  seedEstateOptions,
  suiteCredentials,
} from './test-estate.ts';

export interface SyncAttempt {
  summary: SyncRunSummary | null;
  error: unknown;
  run: SyncRunRecord;
  logs: LogRecord[];
}

/** Runs one sync of the real connector into `store` and never throws: the outcome is in the result. */
export async function syncOnce(
  store: SqliteStore,
  kind: ConnectorKind,
  url: string,
  options: { full?: boolean; force?: boolean; config?: Record<string, unknown>; waits?: number[] } = {},
): Promise<SyncAttempt> {
  const logs: LogRecord[] = [];
  const redactor = new SecretRedactor();
  const definition = definitionFor(kind, options.waits ?? []);
  const config = definition.configSchema.parse({ ...connectorConfig(kind, url), ...options.config });
  let summary: SyncRunSummary | null = null;
  let error: unknown = null;
  try {
    summary = await runSync({
      store,
      definition,
      instance: instanceOf[kind],
      config,
      full: options.full ?? false,
      force: options.force ?? false,
      logger: createLogger({ level: 'debug', redactor, sink: (record) => logs.push(record) }),
      redactor,
      signal: new AbortController().signal,
    });
  } catch (caught) {
    error = caught;
  }
  const run = store.history({ instance: instanceOf[kind], limit: 1 })[0];
  if (!run) throw new Error(`no sync_runs row for ${instanceOf[kind]}: ${String(error)}`);
  return { summary, error, run, logs };
}

function simulatorOptions(
  kind: ConnectorKind,
  variant: ReportVariant,
  estate = changedEstate(),
): SimulatorOptions {
  return {
    estate,
    credentials: { ...suiteCredentials },
    pcrsRateLimit: false,
    classicRateLimit: false,
    ...(kind === 'qualys-pc-report' ? { reports: reportsWithNewerOne(estate, variant) } : {}),
  };
}

function removeDatabase(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
}

/** Copies a closed database (and a leftover WAL, if any) to a new path. */
export function copyDatabase(from: string, to: string): void {
  removeDatabase(to);
  copyFileSync(from, to);
  if (existsSync(`${from}-wal`)) copyFileSync(`${from}-wal`, `${to}-wal`);
}

function logText(logs: readonly LogRecord[]): string {
  return logs.map((record) => JSON.stringify(record)).join('\n');
}

export function expectNoSecrets(where: string, text: string): void {
  expect(secretLeaks(text), `secrets in ${where}`).toEqual([]);
}

export function expectConsistent(store: SqliteStore, when: string): void {
  expect(consistencyProblems(store), `database consistency ${when}`).toEqual([]);
}

interface Clean {
  snapshot: EntitySnapshot;
  postureCalls: number;
}

/**
 * Seeds, references and runs the in-process fault cases of one connector. The seed database
 * (a clean first sync of the seed estate) is made once and copied per case; the clean
 * reference (seed + a clean sync of the changed estate) once per report variant.
 */
export class InProcessFaultSuite {
  readonly kind: ConnectorKind;
  readonly directory = mkdtempSync(join(tmpdir(), 'posturesync-fault-suite-'));
  readonly #seeds = new Map<DatabaseStart, Promise<{ path: string; snapshot: EntitySnapshot }>>();
  readonly #clean = new Map<string, Promise<Clean>>();
  #cases = 0;

  constructor(kind: ConnectorKind) {
    this.kind = kind;
  }

  #snapshot(store: SqliteStore): EntitySnapshot {
    return entitySnapshot(store, orderDependentColumns[this.kind]);
  }

  dispose(): void {
    rmSync(this.directory, { recursive: true, force: true });
  }

  /** The database a case starts from: a clean first sync of the seed estate, or an empty one. */
  seed(start: DatabaseStart = 'seeded'): Promise<{ path: string; snapshot: EntitySnapshot }> {
    let seed = this.#seeds.get(start);
    if (!seed) {
      seed = start === 'seeded' ? this.#seeded() : this.#empty();
      this.#seeds.set(start, seed);
    }
    return seed;
  }

  async #empty(): Promise<{ path: string; snapshot: EntitySnapshot }> {
    const path = join(this.directory, 'empty.db');
    const store = SqliteStore.open(path);
    try {
      return { path, snapshot: this.#snapshot(store) };
    } finally {
      store.close();
    }
  }

  async #seeded(): Promise<{ path: string; snapshot: EntitySnapshot }> {
    const path = join(this.directory, 'seed.db');
    const estate = createEstate(seedEstateOptions);
    const simulator = await startQualysSimulator({
      estate,
      credentials: { ...suiteCredentials },
      pcrsRateLimit: false,
      classicRateLimit: false,
    });
    const store = SqliteStore.open(path);
    try {
      const attempt = await syncOnce(store, this.kind, simulator.url);
      if (attempt.error) throw attempt.error;
      expect(attempt.run.outcome).toBe('succeeded');
      expectConsistent(store, 'after the seed sync');
      return { path, snapshot: this.#snapshot(store) };
    } finally {
      store.close();
      await simulator.close();
    }
  }

  /** The rows a clean sync of the changed estate leaves on top of the seed. */
  clean(variant: ReportVariant, start: DatabaseStart = 'seeded'): Promise<Clean> {
    const key = `${variant}-${start}`;
    let clean = this.#clean.get(key);
    if (!clean) {
      clean = (async () => {
        const seed = await this.seed(start);
        const path = join(this.directory, `clean-${key}.db`);
        copyDatabase(seed.path, path);
        const simulator = await startQualysSimulator(simulatorOptions(this.kind, variant));
        const store = SqliteStore.open(path);
        try {
          const attempt = await syncOnce(store, this.kind, simulator.url, {
            full: this.kind === 'qualys-pcrs',
          });
          if (attempt.error) throw attempt.error;
          expect(attempt.run.outcome).toBe('succeeded');
          // The clean run closes the findings of hosts that left a policy: closing is exercised.
          if (start === 'seeded') expect(attempt.run.closed).toBeGreaterThan(0);
          return {
            snapshot: this.#snapshot(store),
            postureCalls: simulator.state.stats.requests.postureInfo ?? 0,
          };
        } finally {
          store.close();
          await simulator.close();
        }
      })();
      this.#clean.set(key, clean);
    }
    return clean;
  }

  /** Runs one case end to end and asserts every invariant (see README). */
  async run(faultCase: InProcessFaultCase): Promise<void> {
    const variant = faultCase.report ?? 'csv';
    const start = faultCase.start ?? 'seeded';
    const seed = await this.seed(start);
    const clean = await this.clean(variant, start);
    this.#cases += 1;
    const path = join(this.directory, `case-${this.#cases}.db`);
    copyDatabase(seed.path, path);
    const estate = changedEstate();
    const simulator: RunningSimulator = await startQualysSimulator({
      ...simulatorOptions(this.kind, variant, estate),
      ...faultCase.simulator,
      faults: faultCase.faults,
    });
    const store = SqliteStore.open(path);
    try {
      await this.#faultyThenRerun(faultCase, store, simulator, seed.snapshot, clean);
    } finally {
      store.close();
      await simulator.close();
      removeDatabase(path);
    }
  }

  async #faultyThenRerun(
    faultCase: InProcessFaultCase,
    store: SqliteStore,
    simulator: RunningSimulator,
    seed: EntitySnapshot,
    clean: Clean,
  ): Promise<void> {
    const expected = faultCase.faulty;
    const waits: number[] = [];
    const faulty = await syncOnce(store, this.kind, simulator.url, {
      full: this.kind === 'qualys-pcrs',
      waits,
      ...(faultCase.config ? { config: faultCase.config } : {}),
    });
    const failure = faulty.error instanceof Error ? faulty.error.message : String(faulty.error);

    // (4) sync_runs records the outcome and error code of the faulty run.
    expect(faulty.run.outcome, `faulty run outcome (error: ${failure})`).toBe(expected.outcome);
    expect(faulty.run.finishedAt).not.toBeNull();
    if (expected.outcome === 'failed') {
      expect(faulty.error).not.toBeNull();
      expect(faulty.run.errorCode).toBe(expected.errorCode);
      expect(faulty.run.errorMessage).toBeTruthy();
    } else {
      expect(faulty.error, failure).toBeNull();
      expect(faulty.run.errorCode).toBeNull();
    }
    if (expected.retried) expect(faulty.run.metrics.retries).toBeGreaterThan(0);
    if (expected.throttled) expect(faulty.run.metrics.throttledWaits).toBeGreaterThan(0);
    if (expected.batchesAtLeast !== undefined) {
      expect(faulty.run.batches).toBeGreaterThanOrEqual(expected.batchesAtLeast);
    }
    if (expected.rateLimitWaitMsAtLeast !== undefined) {
      expect(faulty.run.metrics.rateLimitWaitMs).toBeGreaterThanOrEqual(expected.rateLimitWaitMsAtLeast);
      expect(Math.max(0, ...waits)).toBeGreaterThanOrEqual(expected.rateLimitWaitMsAtLeast);
    }
    for (const [endpoint, calls] of Object.entries(expected.callsAtLeast ?? {})) {
      expect(simulator.state.stats.requests[endpoint] ?? 0, `${endpoint} calls`).toBeGreaterThanOrEqual(
        calls ?? 0,
      );
    }
    const quarantined = store.quarantined({ runId: faulty.run.id });
    expect(quarantined).toHaveLength(expected.quarantined ?? 0);
    expect(faulty.run.quarantined).toBe(expected.quarantined ?? 0);
    for (const entry of quarantined) {
      expect(entry.position).not.toBe('');
      expect(entry.reason).not.toBe('');
      expect(faulty.run.warningCount).toBeGreaterThanOrEqual(1);
    }
    expect(store.lockHolder()).toBeNull();

    // (1) consistent, (2) nothing stored before is lost or damaged.
    expectConsistent(store, 'after the faulty run');
    const afterFaulty = this.#snapshot(store);
    expect(
      lostOrDamagedRows(seed, afterFaulty, clean.snapshot),
      'rows lost or damaged by the faulty run',
    ).toEqual([]);
    if (expected.outcome === 'succeeded') {
      // Ridden out within the run: it already wrote exactly the clean rows.
      expect(snapshotDifferences(afterFaulty, clean.snapshot), 'faulty-but-retried run vs clean').toEqual([]);
    } else {
      // (4) A failed or partial run closes nothing.
      expect(faulty.run.closed).toBe(0);
      expect(newlyClosed(seed, afterFaulty), 'findings closed by a failed or partial run').toEqual([]);
    }
    expectNoSecrets('the database after the faulty run', storeText(store));
    expectNoSecrets('the faulty run logs', logText(faulty.logs));
    expectNoSecrets('the faulty run error', `${failure}\n${JSON.stringify(faulty.error)}`);

    // (3) The next run ends with exactly the clean rows.
    simulator.state.setFaults([]);
    simulator.state.resetStats();
    const rerunOptions = faultCase.rerun;
    const rerun = await syncOnce(store, this.kind, simulator.url, {
      ...(rerunOptions.full ? { full: true } : {}),
      ...(rerunOptions.force ? { force: true } : {}),
      ...(faultCase.config ? { config: faultCase.config } : {}),
    });
    const rerunFailure = rerun.error instanceof Error ? rerun.error.message : String(rerun.error);
    expect(rerun.run.outcome, `rerun outcome (error: ${rerunFailure})`).toBe('succeeded');
    expect(rerun.summary?.resumed).toBe(rerunOptions.resumed);
    if (rerunOptions.resumed) {
      expect(rerun.run.resumedFromRunId).toBe(faulty.run.id);
      expect(rerun.run.generation).toBe(faulty.run.generation);
      expect(rerun.logs.some((record) => record.message.startsWith(`resuming run ${faulty.run.id}`))).toBe(
        true,
      );
    }
    if (rerunOptions.skipsCompletedCalls) {
      const calls = simulator.state.stats.requests.postureInfo ?? 0;
      expect(calls).toBeGreaterThan(0);
      expect(calls).toBeLessThan(clean.postureCalls);
    }
    // The faulty run's row keeps what it recorded.
    expect(store.getRun(faulty.run.id)).toMatchObject({
      outcome: faulty.run.outcome,
      errorCode: faulty.run.errorCode,
      closed: faulty.run.closed,
    });
    expectConsistent(store, 'after the rerun');
    const final = this.#snapshot(store);
    expect(snapshotDifferences(final, clean.snapshot), 'rows after the rerun vs a clean sync').toEqual([]);
    expectNoSecrets('the database after the rerun', storeText(store));
    expectNoSecrets('the rerun logs', logText(rerun.logs));
  }
}
