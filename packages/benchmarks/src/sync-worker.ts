/**
 * Child-process entry: one `runSync` of one connector into a fresh SQLite file, measured from
 * inside (wall, CPU, peak RSS of a process that did nothing else).
 */
import { writeFile } from 'node:fs/promises';
import {
  type ConnectorDefinition,
  createLogger,
  type HttpClientMetrics,
  SecretRedactor,
} from '@posturesync/core';
import type { Store } from '@posturesync/engine';
import { type RecordCounts, runSync } from '@posturesync/engine';
import { qualysPcReportConnector } from '@posturesync/qualys-pc-report';
import { qualysPcrsConnector } from '@posturesync/qualys-pcrs';
import { PostgresStore } from '@posturesync/store-postgres';
import { SqliteStore } from '@posturesync/store-sqlite';
import { serveChildJob } from './child-process.ts';
import { peakRssBytes, timed } from './measure.ts';
import { MemorySampler } from './memory-sampler.ts';
import type { MemoryProfile } from './result-types.ts';
import { averageRowBytes, type RowSample } from './row-sample.ts';
import { loadSqlite } from './third-party.ts';

export interface SyncJobInput {
  connector: 'qualys-pcrs' | 'qualys-pc-report';
  /** The connector config as a user writes it (defaults are applied here by its schema). */
  config: Record<string, unknown>;
  databasePath: string;
  /** Write this many stored violation rows here, for the bare-insert floor. */
  sample?: { file: string; rows: number };
  /**
   * Sync into PostgreSQL instead of the SQLite file (issue 17): the URL (no password) and the
   * environment holding the password.
   */
  postgres?: { url: string; env: Record<string, string> };
  /** Experiments: a `cache_size` pragma value to set on the store after it opened. */
  sqliteCacheSize?: number;
}

export interface SyncJobResult {
  wallMs: number;
  cpuMs: number;
  peakRssBytes: number;
  baselineRssBytes: number;
  outcome: string;
  counts: RecordCounts;
  metrics: HttpClientMetrics;
  warningCount: number;
  warnings: string[];
  errorMessage: string | null;
  /** Average characters of the sampled violation rows (all columns). */
  rowBytes: number;
  /** Distinct violation rows in the database afterwards (re-sent rows are counted once). */
  storedViolations: number;
  memory: MemoryProfile;
}

async function syncOnce<TConfig>(
  definition: ConnectorDefinition<TConfig>,
  input: SyncJobInput,
): Promise<Omit<SyncJobResult, 'rowBytes' | 'storedViolations'>> {
  const redactor = new SecretRedactor();
  const warnings: string[] = [];
  const logger = createLogger({
    level: 'warn',
    redactor,
    sink: (record) => {
      if (warnings.length < 20) warnings.push(`${record.level}: ${record.message}`);
    },
  });
  const config = definition.configSchema.parse(input.config);
  const sqliteStore = input.postgres ? null : SqliteStore.open(input.databasePath);
  const store: Store =
    sqliteStore ??
    (await PostgresStore.open({ url: input.postgres?.url ?? '', env: input.postgres?.env ?? {} }));
  if (sqliteStore && input.sqliteCacheSize !== undefined)
    sqliteStore.database.pragma(`cache_size = ${input.sqliteCacheSize}`);
  const sampler = new MemorySampler({
    databasePath: input.databasePath,
    database: sqliteStore?.database ?? null,
  });
  try {
    const baselineRssBytes = process.memoryUsage().rss;
    sampler.start();
    const run = await timed(() =>
      runSync({
        store,
        definition,
        instance: 'bench',
        config,
        full: true,
        logger,
        redactor,
        signal: new AbortController().signal,
      }),
    );
    const summary = run.value;
    const peak = peakRssBytes();
    const sqlite = sqliteStore
      ? {
          pageSize: Number(sqliteStore.database.pragma('page_size', { simple: true })),
          cacheSize: Number(sqliteStore.database.pragma('cache_size', { simple: true })),
          pageCount: Number(sqliteStore.database.pragma('page_count', { simple: true })),
          walAutocheckpoint: Number(sqliteStore.database.pragma('wal_autocheckpoint', { simple: true })),
        }
      : null;
    // The sync child runs with --expose-gc: the live heap left after the run tells retained data
    // apart from heap V8 merely had not collected yet.
    const collect = (globalThis as { gc?: () => void }).gc;
    let afterGc: MemoryProfile['afterGc'] = null;
    if (collect) {
      collect();
      const usage = process.memoryUsage();
      afterGc = {
        heapUsed: usage.heapUsed,
        heapTotal: usage.heapTotal,
        rss: usage.rss,
        external: usage.external,
      };
    }
    const memory = sampler.stop({ afterGc, sqlite });
    return {
      memory,
      wallMs: run.wallMs,
      cpuMs: run.cpuMs,
      peakRssBytes: peak,
      baselineRssBytes,
      outcome: summary.outcome,
      counts: summary.counts,
      metrics: summary.metrics,
      warningCount: summary.warningCount,
      warnings: [...summary.warnings.slice(0, 10), ...warnings],
      errorMessage: summary.errorMessage,
    };
  } finally {
    await store.close();
  }
}

/** Distinct violation rows a PostgreSQL sync stored (the SQLite row sample is not taken there). */
async function storedInPostgres(postgres: NonNullable<SyncJobInput['postgres']>): Promise<number> {
  const store = await PostgresStore.open({ url: postgres.url, env: postgres.env, readonly: true });
  try {
    return (await store.storedByRun('bench', (await store.lastRuns())[0]?.id ?? 0)).violations;
  } finally {
    await store.close();
  }
}

function inspectDatabase(databasePath: string, rows: number): { sample: RowSample; stored: number } {
  const Database = loadSqlite();
  const database = new Database(databasePath, { readonly: true });
  try {
    const { stored } = database.prepare('SELECT count(*) AS stored FROM violations').get() as {
      stored: number;
    };
    const objects = database
      .prepare(`SELECT * FROM violations LIMIT ${Math.max(1, Math.floor(rows))}`)
      .all() as Array<Record<string, unknown>>;
    const columns = Object.keys(objects[0] ?? {});
    return { sample: { columns, rows: objects.map((row) => columns.map((column) => row[column])) }, stored };
  } finally {
    database.close();
  }
}

serveChildJob<SyncJobInput, SyncJobResult>(async (input) => {
  const result =
    input.connector === 'qualys-pcrs'
      ? await syncOnce(qualysPcrsConnector, input)
      : await syncOnce(qualysPcReportConnector, input);
  if (input.postgres) {
    return { ...result, rowBytes: 0, storedViolations: await storedInPostgres(input.postgres) };
  }
  const { sample, stored } = inspectDatabase(input.databasePath, input.sample?.rows ?? 1);
  if (input.sample) await writeFile(input.sample.file, JSON.stringify(sample));
  return { ...result, rowBytes: averageRowBytes(sample), storedViolations: stored };
});
