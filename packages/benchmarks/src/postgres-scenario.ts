import { rm } from 'node:fs/promises';
import { startPostgresServer } from '@posturesync/store-postgres/test-support';
import { estateForPostureRecords } from './estate-sizing.ts';
import { pcrsConfig } from './pcrs-config.ts';
import type { ScenarioResult } from './result-types.ts';
import type { ScenarioRunOptions } from './scenario-run-options.ts';
import { type PostgresScenario, pcrsShape } from './scenarios.ts';
import { startSimulatorProcess } from './simulator-handle.ts';
import { workspace } from './workspace.ts';

/**
 * Issue 17: the same PCRS estate from the same live simulator, synced into a SQLite file and
 * then into PostgreSQL (a local server the bench starts, fsync on), each by the real engine in
 * its own process: findings per second and the sync process's peak RSS, side by side.
 */
export async function postgresScenario(
  scenario: PostgresScenario,
  options: ScenarioRunOptions,
): Promise<ScenarioResult> {
  const sized = estateForPostureRecords(scenario.records, pcrsShape);
  options.log(
    `${scenario.name}: ${sized.estate.hosts} hosts x ${sized.estate.policies} policies, ~${sized.expected} posture records, into SQLite and into PostgreSQL`,
  );
  const space = await workspace(scenario.name);
  const simulator = await startSimulatorProcess({
    estate: sized.estate,
    pcrsRateLimit: false,
    reports: [],
    directory: space.file('recordings'),
  });
  const server = await startPostgresServer({ durable: true, database: 'posturesync_bench' });
  try {
    const config = pcrsConfig(simulator.url, { rateLimit: false });
    const sqlite = await options.sync(`${scenario.name} sqlite`, simulator, {
      connector: 'qualys-pcrs',
      config,
      databasePath: space.file('sqlite.db'),
    });
    const postgres = await options.sync(`${scenario.name} postgres`, simulator, {
      connector: 'qualys-pcrs',
      config,
      databasePath: space.file('postgres-has-no-file.db'),
      postgres: { url: server.url, env: { ...server.env } },
    });
    const throughputRatio = postgres.recordsPerSecond / sqlite.recordsPerSecond;
    const peakRssRatio = postgres.peakRssBytes / sqlite.peakRssBytes;
    options.log(
      `  ${scenario.name}: PostgreSQL ${Math.round(postgres.recordsPerSecond)}/s vs SQLite ${Math.round(sqlite.recordsPerSecond)}/s (${throughputRatio.toFixed(2)}x), peak RSS ${peakRssRatio.toFixed(2)}x`,
    );
    return {
      name: scenario.name,
      kind: scenario.kind,
      description: `PCRS full sync into PostgreSQL next to the same sync into SQLite, ${sized.estate.hosts} hosts`,
      estate: sized.estate,
      records: postgres.storedViolations,
      bulkBytes: postgres.bytesReceived,
      live: postgres,
      postgres: {
        sqlite,
        throughputRatio,
        peakRssRatio,
        server:
          'PostgreSQL on this machine (initdb defaults, fsync on, shared_buffers 32 MB), over loopback TCP',
      },
    };
  } finally {
    await simulator.close();
    server.stop();
    if (!options.keep) await rm(space.directory, { recursive: true, force: true });
  }
}
