import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { exitCodes } from '@posturesync/cli';
import { errorCodes } from '@posturesync/core';
import type { SyncRunRecord } from '@posturesync/engine';
import { createEstate, type RunningSimulator, startQualysSimulator } from '@posturesync/qualys-simulator';
import { SqliteStore } from '@posturesync/store-sqlite';
import { expect } from 'vitest';
import { type CliExit, cliInstanceOf, spawnCliSync, writeCliConfig } from './cli-process.ts';
import type { ConnectorKind } from './connectors.ts';
import { storeText } from './consistency.ts';
import { copyDatabase, expectConsistent, expectNoSecrets } from './in-process-harness.ts';
import type { ProcessFaultCase } from './process-cases.ts';
import {
  type EntitySnapshot,
  entitySnapshot,
  lostOrDamagedRows,
  newlyClosed,
  orderDependentColumns,
  snapshotDifferences,
} from './snapshot.ts';
import { changedEstate, reportsWithNewerOne, seedEstateOptions, suiteCredentials } from './test-estate.ts';

/** Latency the simulator adds to every answer in process cases, so a sync lasts long enough to interrupt. */
export const processLatencyMs = 60;

interface CleanCliRun {
  snapshot: EntitySnapshot;
  /** From the "sync started" log line to the process exit. */
  syncSpanMs: number;
}

function runsOf(store: SqliteStore, kind: ConnectorKind): SyncRunRecord[] {
  return store.history({ instance: cliInstanceOf[kind], limit: 100 });
}

function parseSummary(exit: CliExit): { exitCode: number; summary: Record<string, unknown> | null } {
  const document = JSON.parse(exit.stdout) as {
    exitCode: number;
    runs: Array<{ summary: Record<string, unknown> | null }>;
  };
  return { exitCode: document.exitCode, summary: document.runs[0]?.summary ?? null };
}

/**
 * Real `posturesync sync` processes against simulators in the test process: a seed database made
 * by a clean CLI sync of the seed estate, a clean reference sync of the changed estate, then each
 * case copies the seed, interrupts a sync and runs `sync` again.
 */
export class ProcessFaultSuite {
  readonly kind: ConnectorKind;
  readonly directory = mkdtempSync(join(tmpdir(), 'posturesync-fault-process-'));
  #seedSimulator: RunningSimulator | undefined;
  #simulator: RunningSimulator | undefined;
  #seedPath = '';
  #seed: EntitySnapshot | undefined;
  #clean: CleanCliRun | undefined;
  #cases = 0;

  constructor(kind: ConnectorKind) {
    this.kind = kind;
  }

  get #config(): string {
    return join(this.directory, 'posturesync.config.yaml');
  }

  #snapshot(store: SqliteStore): EntitySnapshot {
    return entitySnapshot(store, orderDependentColumns[this.kind]);
  }

  async setUp(): Promise<void> {
    this.#seedSimulator = await startQualysSimulator({
      estate: createEstate(seedEstateOptions),
      credentials: { ...suiteCredentials },
      pcrsRateLimit: false,
      classicRateLimit: false,
    });
    const estate = changedEstate({ rescan: 'all' });
    this.#simulator = await startQualysSimulator({
      estate,
      credentials: { ...suiteCredentials },
      pcrsRateLimit: false,
      classicRateLimit: false,
      reports: reportsWithNewerOne(estate, 'csv'),
      latencyMs: processLatencyMs,
    });
    const seedConfig = join(this.directory, 'seed.config.yaml');
    writeCliConfig(seedConfig, this.#seedSimulator.url);
    writeCliConfig(this.#config, this.#simulator.url);

    this.#seedPath = join(this.directory, 'seed.db');
    const seeded = await spawnCliSync({ config: seedConfig, database: this.#seedPath, kind: this.kind })
      .exited;
    expect(seeded.code, seeded.stderr).toBe(exitCodes.success);
    this.#seed = this.#read(this.#seedPath, (store) => this.#snapshot(store));

    const cleanPath = join(this.directory, 'clean.db');
    copyDatabase(this.#seedPath, cleanPath);
    const process = spawnCliSync({ config: this.#config, database: cleanPath, kind: this.kind });
    expect(await process.waitForLog('"sync started"')).toBe(true);
    const startedAt = performance.now();
    const clean = await process.exited;
    expect(clean.code, clean.stderr).toBe(exitCodes.success);
    this.#clean = {
      snapshot: this.#read(cleanPath, (store) => this.#snapshot(store)),
      syncSpanMs: performance.now() - startedAt,
    };
    expect(this.#clean.snapshot.violations.size).toBeGreaterThan(0);
  }

  async tearDown(): Promise<void> {
    await this.#seedSimulator?.close();
    await this.#simulator?.close();
    rmSync(this.directory, { recursive: true, force: true });
  }

  #read<T>(path: string, read: (store: SqliteStore) => T): T {
    const store = SqliteStore.open(path);
    try {
      return read(store);
    } finally {
      store.close();
    }
  }

  async run(faultCase: ProcessFaultCase): Promise<void> {
    const seed = this.#seed;
    const clean = this.#clean;
    if (!seed || !clean) throw new Error('ProcessFaultSuite.setUp() must run first');
    this.#cases += 1;
    const database = join(this.directory, `case-${this.#cases}.db`);
    copyDatabase(this.#seedPath, database);
    const seedRunId = this.#read(database, (store) => runsOf(store, this.kind)[0]?.id ?? 0);

    this.#simulator?.state.setFaults(faultCase.faults ?? []);
    const interrupted = spawnCliSync({ config: this.#config, database, kind: this.kind });
    const exit =
      faultCase.signal === 'SIGKILL'
        ? await this.#killAt(interrupted, faultCase.at ?? 0.5, clean.syncSpanMs)
        : await this.#stopGracefully(interrupted, faultCase.signal, database, seedRunId);

    this.#simulator?.state.setFaults([]);

    // The database after the interruption.
    const afterInterruption = this.#read(database, (store) => {
      expectConsistent(store, `after ${faultCase.signal}`);
      const runs = runsOf(store, this.kind);
      const snapshot = this.#snapshot(store);
      expect(
        lostOrDamagedRows(seed, snapshot, clean.snapshot),
        `rows lost or damaged by ${faultCase.signal}`,
      ).toEqual([]);
      const run = runs[0] !== undefined && runs[0].id > seedRunId ? runs[0] : undefined;
      if (run?.outcome !== 'succeeded') {
        expect(newlyClosed(seed, snapshot), 'findings closed by an interrupted run').toEqual([]);
        expect(run?.closed ?? 0).toBe(0);
      } else {
        expect(
          snapshotDifferences(snapshot, clean.snapshot),
          'a run that finished before the signal',
        ).toEqual([]);
      }
      expectNoSecrets('the database after the interruption', storeText(store));
      return { run, inProgress: store.getState(cliInstanceOf[this.kind])?.inProgress === true };
    });
    expectNoSecrets('the interrupted process output', `${exit.stdout}\n${exit.stderr}`);

    if (faultCase.signal === 'SIGKILL') {
      // Killed (or finished just before the kill): never a clean shutdown in between.
      if (exit.signal === null) expect(exit.code).toBe(exitCodes.success);
      else expect(exit.signal).toBe('SIGKILL');
      if (exit.signal === 'SIGKILL' && afterInterruption.run) {
        expect(['running', 'succeeded']).toContain(afterInterruption.run.outcome);
      }
    } else {
      expect(exit.code, exit.stderr).toBe(exitCodes.cancelled);
      expect(afterInterruption.run).toMatchObject({ outcome: 'cancelled', errorCode: errorCodes.cancelled });
      expect(afterInterruption.run?.finishedAt).not.toBeNull();
      expect(parseSummary(exit)).toMatchObject({ exitCode: exitCodes.cancelled });
    }

    // The next sync: succeeds, marks a dead run failed, resumes if a generation was in progress.
    const rerun = await spawnCliSync({ config: this.#config, database, kind: this.kind }).exited;
    expect(rerun.code, rerun.stderr).toBe(exitCodes.success);
    expectNoSecrets('the rerun output', `${rerun.stdout}\n${rerun.stderr}`);
    const { summary } = parseSummary(rerun);
    expect(summary).toMatchObject({ outcome: 'succeeded', resumed: afterInterruption.inProgress });
    if (afterInterruption.inProgress) {
      expect(summary?.resumedFromRunId).toBe(afterInterruption.run?.id);
      expect(rerun.stderr).toContain(`resuming run ${afterInterruption.run?.id} from its last checkpoint`);
    }
    this.#read(database, (store) => {
      expectConsistent(store, 'after the rerun');
      const interruptedRun = afterInterruption.run;
      if (interruptedRun?.outcome === 'running') {
        expect(store.getRun(interruptedRun.id)).toMatchObject({
          outcome: 'failed',
          errorCode: errorCodes.processDied,
        });
      }
      expect(store.lockHolder()).toBeNull();
      expect(
        snapshotDifferences(this.#snapshot(store), clean.snapshot),
        'rows after the rerun vs a clean sync',
      ).toEqual([]);
      expectNoSecrets('the database after the rerun', storeText(store));
    });
    rmSync(database, { force: true });
  }

  async #killAt(process: ReturnType<typeof spawnCliSync>, at: number, syncSpanMs: number): Promise<CliExit> {
    if (await process.waitForLog('"sync started"')) {
      await delay(Math.round(at * syncSpanMs));
      process.kill('SIGKILL');
    }
    return await process.exited;
  }

  /**
   * Signals once the sync is surely mid-way: PCRS after two committed batches (read from the
   * database, as `status` would), the report while its fetch waits on the simulator's latency.
   */
  async #stopGracefully(
    process: ReturnType<typeof spawnCliSync>,
    signal: 'SIGINT' | 'SIGTERM',
    database: string,
    seedRunId: number,
  ): Promise<CliExit> {
    if (this.kind === 'qualys-pc-report') {
      expect(await process.waitForLog('Importing policy report')).toBe(true);
    } else {
      expect(await process.waitForLog('"sync started"')).toBe(true);
      const reader = SqliteStore.open(database, { readonly: true });
      try {
        for (;;) {
          const run = reader.history({ instance: cliInstanceOf[this.kind], limit: 1 })[0];
          if (run && run.id > seedRunId && (run.outcome !== 'running' || run.batches >= 2)) break;
          await delay(5);
        }
      } finally {
        reader.close();
      }
    }
    expect(process.kill(signal)).toBe(true);
    return await process.exited;
  }
}
