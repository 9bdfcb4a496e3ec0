/**
 * Issue 18: the SQLite store's batch write alone, without connector, parsing or HTTP. One PCRS
 * sync of a simulator estate is captured (every `commitBatch` input the engine makes, so the
 * records, batch sizes, checkpoints and counters are exactly a real sync's), then replayed into
 * fresh database files: a first sync (every finding new, every one logged as first seen) and an
 * unchanged re-sync (a new generation writing the same records again, nothing to log). Only the
 * `commitBatch` calls are timed, in this one process, in CPU (user + system) and wall time.
 *
 *   node packages/benchmarks/src/store-write-bench.ts [--records 100k] [--rounds 3] [--capture <file>]
 *
 * `--capture <file>` keeps the captured batches in that file (v8 serialization) and reuses them
 * when it exists, so comparing two versions of the store replays the very same input.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { deserialize, serialize } from 'node:v8';
import { createLogger, SecretRedactor } from '@posturesync/core';
import { type CommitBatchInput, runSync, type Store } from '@posturesync/engine';
import { qualysPcrsConnector } from '@posturesync/qualys-pcrs';
import { startQualysSimulator } from '@posturesync/qualys-simulator';
import { SqliteStore } from '@posturesync/store-sqlite';
import { estateForPostureRecords } from './estate-sizing.ts';
import { pcrsConfig } from './pcrs-config.ts';
import { parseCount } from './scale.ts';
import { pcrsShape } from './scenarios.ts';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '100k' },
    rounds: { type: 'string', default: '3' },
    capture: { type: 'string' },
  },
});
const records = parseCount(values.records, '--records');
const rounds = Math.max(1, Number(values.rounds));
const instance = 'store-bench';

/** Runs one real PCRS sync into an in-memory store and keeps every commitBatch input. */
async function captureBatches(): Promise<CommitBatchInput[]> {
  const sized = estateForPostureRecords(records, pcrsShape);
  const simulator = await startQualysSimulator({
    estate: sized.estate,
    pcrsRateLimit: false,
    classicRateLimit: false,
  });
  const target = SqliteStore.open(':memory:');
  const captured: CommitBatchInput[] = [];
  const store = new Proxy(target, {
    get(object, property) {
      if (property === 'commitBatch') {
        return (input: CommitBatchInput) => {
          captured.push(input);
          return object.commitBatch(input);
        };
      }
      const value: unknown = Reflect.get(object, property, object);
      return typeof value === 'function' ? value.bind(object) : value;
    },
  }) as Store;
  try {
    const redactor = new SecretRedactor();
    const summary = await runSync({
      store,
      definition: qualysPcrsConnector,
      instance,
      config: qualysPcrsConnector.configSchema.parse(pcrsConfig(simulator.url, { rateLimit: false })),
      full: true,
      logger: createLogger({ level: 'error', redactor, sink: () => {} }),
      redactor,
      signal: new AbortController().signal,
    });
    if (summary.outcome !== 'succeeded') throw new Error(`capture sync ended ${summary.outcome}`);
  } finally {
    target.close();
    await simulator.close();
  }
  return captured;
}

interface Pass {
  cpuMs: number;
  wallMs: number;
  violations: number;
  changes: number;
}

/** Commits every captured batch as one run of a new generation; times the commits only. */
function replay(store: SqliteStore, batches: readonly CommitBatchInput[], startedAt: string): Pass {
  const run = store.createRun({
    instance,
    connectorId: qualysPcrsConnector.id,
    configFingerprint: 'store-write-bench',
    generation: null,
    resumedFromRunId: null,
    full: true,
    startedAt,
  });
  const changesBefore = countChanges(store);
  let violations = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  for (const batch of batches) {
    store.commitBatch({
      ...batch,
      scope: { ...batch.scope, runId: run.id, generation: run.generation, now: startedAt },
      ...(batch.state ? { state: { ...batch.state, runId: run.id, generation: run.generation } } : {}),
    });
    violations += batch.records.violations?.length ?? 0;
  }
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  return {
    cpuMs: (cpu.user + cpu.system) / 1000,
    wallMs,
    violations,
    changes: countChanges(store) - changesBefore,
  };
}

function countChanges(store: SqliteStore): number {
  return (store.database.prepare('SELECT COUNT(*) AS n FROM status_changes').get() as { n: number }).n;
}

const per100k = (pass: Pass, field: 'cpuMs' | 'wallMs') => (pass[field] * 100_000) / pass.violations;

async function loadBatches(file: string | undefined): Promise<CommitBatchInput[]> {
  if (file !== undefined && existsSync(file)) return deserialize(readFileSync(file)) as CommitBatchInput[];
  const captured = await captureBatches();
  if (file !== undefined) writeFileSync(file, serialize(captured));
  return captured;
}

const batches = await loadBatches(values.capture);
const directory = mkdtempSync(join(tmpdir(), 'posturesync-store-write-'));
const lines = [
  `${batches.length} batches, ${batches.reduce((sum, batch) => sum + (batch.records.violations?.length ?? 0), 0)} findings; ms per 100k findings`,
  '',
  '| round | first sync CPU | wall | changes logged | unchanged re-sync CPU | wall | changes logged |',
  '| ----- | -------------- | ---- | -------------- | --------------------- | ---- | -------------- |',
];
try {
  for (let round = 1; round <= rounds; round++) {
    const store = SqliteStore.open(join(directory, `round-${round}.db`));
    try {
      const first = replay(store, batches, '2026-01-01T00:00:00.000Z');
      const again = replay(store, batches, '2026-01-02T00:00:00.000Z');
      const cells = [first, again].map(
        (pass) =>
          `${per100k(pass, 'cpuMs').toFixed(0)} | ${per100k(pass, 'wallMs').toFixed(0)} | ${pass.changes}`,
      );
      lines.push(`| ${round} | ${cells.join(' | ')} |`);
    } finally {
      store.close();
    }
  }
} finally {
  rmSync(directory, { recursive: true, force: true });
}
process.stdout.write(`${lines.join('\n')}\n`);
