/**
 * How much the compliance history (issue 14) adds to the database per run. Not part of
 * `pnpm bench` (sizes, not speed): syncs one PCRS estate three times into one database, with
 * a seeded share of results flipped before the second run, and reports the bytes each run
 * added in total and in the history tables (SQLite's dbstat).
 *
 *   node packages/benchmarks/src/history-growth.ts [--hosts 2000] [--flip 0.1]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger, SecretRedactor } from '@posturesync/core';
import { runSync } from '@posturesync/engine';
import { qualysPcrsConnector } from '@posturesync/qualys-pcrs';
import { defaultCredentials, startQualysSimulator } from '@posturesync/qualys-simulator';
import { SqliteStore } from '@posturesync/store-sqlite';
import { pcrsShape } from './scenarios.ts';

const historyTables = ['status_changes', 'posture_snapshots', 'posture_snapshot_severities'] as const;

interface Sizes {
  file: number;
  tables: Record<string, number>;
  rows: Record<string, number>;
}

function sizes(store: SqliteStore): Sizes {
  const pageSize = store.database.pragma('page_size', { simple: true }) as number;
  const pages = store.database.pragma('page_count', { simple: true }) as number;
  const tables: Record<string, number> = {};
  const rows: Record<string, number> = {};
  for (const table of historyTables) {
    const stat = store.database
      .prepare('SELECT COALESCE(SUM(pgsize), 0) AS bytes FROM dbstat WHERE name = ?')
      .get(table) as { bytes: number };
    tables[table] = stat.bytes;
    rows[table] = (store.database.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  }
  return { file: pageSize * pages, tables, rows };
}

const { values } = parseArgs({
  options: { hosts: { type: 'string', default: '2000' }, flip: { type: 'string', default: '0.1' } },
});
const hosts = Number(values.hosts);
const flipRatio = Number(values.flip);
const directory = mkdtempSync(join(tmpdir(), 'posturesync-history-growth-'));
const simulator = await startQualysSimulator({
  estate: { ...pcrsShape, hosts, flipRatio },
  pcrsRateLimit: false,
  classicRateLimit: false,
});
const store = SqliteStore.open(join(directory, 'history.db'));
try {
  const mib = (bytes: number) => (bytes / 1048576).toFixed(2);
  const lines = [
    `PCRS estate ${hosts} hosts x ${pcrsShape.policies} policies x ${pcrsShape.controlsPerPolicy} controls; flipRatio ${flipRatio}`,
    '',
    '| run | what changed | violations written | file MiB (+added) | change rows (+added) | history tables KiB (+added) | bytes per change row |',
    '| --- | ------------ | ------------------ | ----------------- | -------------------- | --------------------------- | -------------------- |',
  ];
  let previous: Sizes = sizes(store);
  const steps = ['first sync', `${flipRatio * 100}% flipped`, 'nothing'] as const;
  for (const [index, step] of steps.entries()) {
    if (index === 1) simulator.state.estate.flipResults(new Date(Date.now() + 60_000));
    const summary = await runSync({
      store,
      definition: qualysPcrsConnector,
      instance: 'pcrs-growth',
      config: qualysPcrsConnector.configSchema.parse({
        gatewayUrl: simulator.url,
        username: defaultCredentials.username,
        password: defaultCredentials.password,
        rateLimit: false,
      }),
      logger: createLogger({ level: 'error', redactor: new SecretRedactor(), sink: () => {} }),
      redactor: new SecretRedactor(),
      signal: new AbortController().signal,
    });
    const now = sizes(store);
    const history = (value: Sizes) =>
      historyTables.reduce((sum, table) => sum + (value.tables[table] ?? 0), 0);
    const addedRows = (now.rows.status_changes ?? 0) - (previous.rows.status_changes ?? 0);
    const addedChangeBytes = (now.tables.status_changes ?? 0) - (previous.tables.status_changes ?? 0);
    lines.push(
      `| ${summary.runId} | ${step} | ${summary.counts.violations} | ${mib(now.file)} (+${mib(now.file - previous.file)}) | ` +
        `${now.rows.status_changes} (+${addedRows}) | ${(history(now) / 1024).toFixed(0)} (+${((history(now) - history(previous)) / 1024).toFixed(0)}) | ` +
        `${addedRows > 0 ? Math.round(addedChangeBytes / addedRows) : '-'} |`,
    );
    previous = now;
  }
  lines.push(
    '',
    `posture snapshot rows: ${previous.rows.posture_snapshots} (${(previous.tables.posture_snapshots ?? 0) / 1024} KiB), ` +
      `severity rows: ${previous.rows.posture_snapshot_severities} (${(previous.tables.posture_snapshot_severities ?? 0) / 1024} KiB)`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  store.close();
  await simulator.close();
  rmSync(directory, { recursive: true, force: true });
}
