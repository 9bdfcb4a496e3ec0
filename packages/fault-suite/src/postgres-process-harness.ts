import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { exitCodes } from '@posturesync/cli';
import { errorCodes } from '@posturesync/core';
import type { SyncRunRecord } from '@posturesync/engine';
import { createEstate, type RunningSimulator, startQualysSimulator } from '@posturesync/qualys-simulator';
import { copyFromSqlite, PostgresStore } from '@posturesync/store-postgres';
import { type PostgresServer, startPostgresServer } from '@posturesync/store-postgres/test-support';
import { SqliteStore } from '@posturesync/store-sqlite';
import { expect } from 'vitest';
import { type CliExit, cliInstanceOf, spawnCliSync, writeCliConfig } from './cli-process.ts';
import type { ConnectorKind } from './connectors.ts';
import { copyDatabase, expectNoSecrets } from './in-process-harness.ts';
import { postgresEntitySnapshot } from './postgres-snapshot.ts';
import type { ProcessFaultCase } from './process-cases.ts';
import { processLatencyMs } from './process-harness.ts';
import {
  type EntitySnapshot,
  entitySnapshot,
  lostOrDamagedRows,
  newlyClosed,
  orderDependentColumns,
  snapshotDifferences,
} from './snapshot.ts';
import { changedEstate, seedEstateOptions, suiteCredentials } from './test-estate.ts';

/**
 * Kill -9 of a real `posturesync sync` writing into PostgreSQL (a server the suite starts), with
 * the SQLite process suite's assertion: nothing of the seed is lost or damaged, an interrupted
 * run closes nothing, and the next sync ends with every row of a clean run. The seed is a CLI
 * sync into SQLite copied into a fresh schema per case (`migrate-store`'s copy), and the clean
 * reference is checked against the same clean sync into SQLite first.
 */
export class PostgresKillSuite {
  readonly kind: ConnectorKind;
  readonly directory = mkdtempSync(join(tmpdir(), 'posturesync-fault-postgres-'));
  #server: PostgresServer | undefined;
  #seedSimulator: RunningSimulator | undefined;
  #simulator: RunningSimulator | undefined;
  #seedPath = '';
  #seed: EntitySnapshot | undefined;
  #clean: { snapshot: EntitySnapshot; syncSpanMs: number } | undefined;
  #schemas = 0;

  constructor(kind: ConnectorKind) {
    this.kind = kind;
  }

  get #config(): string {
    return join(this.directory, 'posturesync.config.yaml');
  }

  get #running(): PostgresServer {
    if (!this.#server) throw new Error('PostgresKillSuite.setUp() must run first');
    return this.#server;
  }

  #url(schema: string): string {
    return `${this.#running.url}?schema=${schema}`;
  }

  async #snapshotOf(schema: string): Promise<EntitySnapshot> {
    return await this.#withStore(schema, (store) =>
      postgresEntitySnapshot(store, orderDependentColumns[this.kind]),
    );
  }

  async #withStore<T>(schema: string, read: (store: PostgresStore) => Promise<T>): Promise<T> {
    const store = await PostgresStore.open({ url: this.#url(schema), env: this.#running.env });
    try {
      return await read(store);
    } finally {
      await store.close();
    }
  }

  /** A fresh schema holding the seed database. */
  async #seededSchema(): Promise<string> {
    this.#schemas += 1;
    const schema = `kill_${this.#schemas}`;
    const source = SqliteStore.open(this.#seedPath, { readonly: true });
    try {
      await copyFromSqlite({
        source: source.database,
        sourceLocation: this.#seedPath,
        target: { url: this.#url(schema) },
        env: this.#running.env,
      });
    } finally {
      source.close();
    }
    return schema;
  }

  #spawn(database: string) {
    return spawnCliSync({ config: this.#config, database, kind: this.kind, env: this.#running.env });
  }

  async setUp(): Promise<void> {
    [this.#server, this.#seedSimulator, this.#simulator] = await Promise.all([
      startPostgresServer(),
      startQualysSimulator({
        estate: createEstate(seedEstateOptions),
        credentials: { ...suiteCredentials },
        pcrsRateLimit: false,
        classicRateLimit: false,
      }),
      startQualysSimulator({
        estate: changedEstate({ rescan: 'all' }),
        credentials: { ...suiteCredentials },
        pcrsRateLimit: false,
        classicRateLimit: false,
        latencyMs: processLatencyMs,
      }),
    ]);
    const seedConfig = join(this.directory, 'seed.config.yaml');
    writeCliConfig(seedConfig, this.#seedSimulator.url);
    writeCliConfig(this.#config, this.#simulator.url);
    this.#seedPath = join(this.directory, 'seed.db');
    const seeded = await spawnCliSync({ config: seedConfig, database: this.#seedPath, kind: this.kind })
      .exited;
    expect(seeded.code, seeded.stderr).toBe(exitCodes.success);
    const seedStore = SqliteStore.open(this.#seedPath, { readonly: true });
    this.#seed = entitySnapshot(seedStore, orderDependentColumns[this.kind]);
    seedStore.close();

    // The clean reference in PostgreSQL, checked row for row against the same sync into SQLite.
    const sqliteClean = join(this.directory, 'clean.db');
    copyDatabase(this.#seedPath, sqliteClean);
    const sqliteRun = await this.#spawn(sqliteClean).exited;
    expect(sqliteRun.code, sqliteRun.stderr).toBe(exitCodes.success);
    const cleanStore = SqliteStore.open(sqliteClean, { readonly: true });
    const sqliteSnapshot = entitySnapshot(cleanStore, orderDependentColumns[this.kind]);
    cleanStore.close();

    const schema = await this.#seededSchema();
    const process = this.#spawn(this.#url(schema));
    expect(await process.waitForLog('"sync started"')).toBe(true);
    const startedAt = performance.now();
    const clean = await process.exited;
    expect(clean.code, clean.stderr).toBe(exitCodes.success);
    const snapshot = await this.#snapshotOf(schema);
    expect(
      snapshotDifferences(snapshot, sqliteSnapshot),
      'a clean sync into PostgreSQL vs into SQLite',
    ).toEqual([]);
    expect(snapshot.violations.size).toBeGreaterThan(0);
    this.#clean = { snapshot, syncSpanMs: performance.now() - startedAt };
  }

  async tearDown(): Promise<void> {
    await this.#seedSimulator?.close();
    await this.#simulator?.close();
    this.#server?.stop();
    rmSync(this.directory, { recursive: true, force: true });
  }

  async run(faultCase: ProcessFaultCase): Promise<void> {
    const seed = this.#seed;
    const clean = this.#clean;
    if (!seed || !clean || faultCase.signal !== 'SIGKILL') throw new Error('a SIGKILL case after setUp()');
    const instance = cliInstanceOf[this.kind];
    const schema = await this.#seededSchema();
    const runsOf = (store: PostgresStore): Promise<SyncRunRecord[]> =>
      store.history({ instance, limit: 100 });
    const seedRunId = await this.#withStore(schema, async (store) => (await runsOf(store))[0]?.id ?? 0);

    const interrupted = this.#spawn(this.#url(schema));
    const exit = await this.#killAt(interrupted, faultCase.at ?? 0.5, clean.syncSpanMs);
    if (exit.signal === null) expect(exit.code, exit.stderr).toBe(exitCodes.success);
    else expect(exit.signal).toBe('SIGKILL');
    expectNoSecrets('the interrupted process output', `${exit.stdout}\n${exit.stderr}`);

    const afterKill = await this.#withStore(schema, async (store) => {
      const snapshot = await postgresEntitySnapshot(store, orderDependentColumns[this.kind]);
      expect(lostOrDamagedRows(seed, snapshot, clean.snapshot), 'rows lost or damaged by kill -9').toEqual(
        [],
      );
      const latest = (await runsOf(store))[0];
      const run = latest !== undefined && latest.id > seedRunId ? latest : undefined;
      if (run?.outcome !== 'succeeded') {
        expect(newlyClosed(seed, snapshot), 'findings closed by an interrupted run').toEqual([]);
        expect(run?.closed ?? 0).toBe(0);
      } else {
        expect(snapshotDifferences(snapshot, clean.snapshot), 'a run that finished before the kill').toEqual(
          [],
        );
      }
      if (exit.signal === 'SIGKILL' && run) expect(['running', 'succeeded']).toContain(run.outcome);
      return { run, inProgress: (await store.getState(instance))?.inProgress === true };
    });

    // The next sync takes the dead worker's lock over, marks its run failed and resumes.
    const rerun = await this.#spawn(this.#url(schema)).exited;
    expect(rerun.code, rerun.stderr).toBe(exitCodes.success);
    expectNoSecrets('the rerun output', `${rerun.stdout}\n${rerun.stderr}`);
    const summary = (JSON.parse(rerun.stdout) as { runs: Array<{ summary: Record<string, unknown> | null }> })
      .runs[0]?.summary;
    expect(summary).toMatchObject({ outcome: 'succeeded', resumed: afterKill.inProgress });
    if (afterKill.inProgress) expect(summary?.resumedFromRunId).toBe(afterKill.run?.id);
    await this.#withStore(schema, async (store) => {
      if (afterKill.run?.outcome === 'running') {
        expect(await store.getRun(afterKill.run.id)).toMatchObject({
          outcome: 'failed',
          errorCode: errorCodes.processDied,
        });
      }
      expect(await store.lockHolder(instance)).toBeNull();
      const snapshot = await postgresEntitySnapshot(store, orderDependentColumns[this.kind]);
      expect(snapshotDifferences(snapshot, clean.snapshot), 'rows after the rerun vs a clean sync').toEqual(
        [],
      );
    });
  }

  async #killAt(process: ReturnType<typeof spawnCliSync>, at: number, syncSpanMs: number): Promise<CliExit> {
    if (await process.waitForLog('"sync started"')) {
      await delay(Math.round(at * syncSpanMs));
      process.kill('SIGKILL');
    }
    return await process.exited;
  }
}
