import { createLogger, SecretRedactor } from '@posturesync/core';
import { type RunSyncOptions, runSync } from '@posturesync/engine';
import { qualysPcrsConfigSchema, qualysPcrsConnector } from '@posturesync/qualys-pcrs';
import { createEstate, type RunningSimulator, startQualysSimulator } from '@posturesync/qualys-simulator';
import { closedReasonAbsent, SqliteStore } from '@posturesync/store-sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createQualysPcReportConnector,
  type QualysPcReportConfig,
  type QualysPcReportHooks,
  qualysPcReportConfigSchema,
  qualysPcReportConnector,
} from '../src/index.ts';
import { credentials, smallEstate } from './support.ts';

const bigger = { ...smallEstate, hosts: 6 };
const smaller = { ...smallEstate, hosts: 4 };
const policyId = createEstate(bigger).policies()[0]?.id ?? '';

let store: SqliteStore;
let simulator: RunningSimulator | undefined;
beforeEach(() => {
  store = SqliteStore.open(':memory:');
});
afterEach(async () => {
  store.close();
  await simulator?.close();
  simulator = undefined;
});

function reportDefinition(hooks: QualysPcReportHooks) {
  return {
    ...qualysPcReportConnector,
    create: (config: QualysPcReportConfig, context: Parameters<typeof createQualysPcReportConnector>[1]) =>
      createQualysPcReportConnector(config, context, hooks),
  };
}

function syncOptions<T>(
  definition: RunSyncOptions<T>['definition'],
  config: T,
  instance: string,
): RunSyncOptions<T> {
  const redactor = new SecretRedactor();
  return {
    store,
    definition,
    instance,
    config,
    logger: createLogger({ redactor, sink: () => {} }),
    redactor,
    signal: new AbortController().signal,
  };
}

function reportConfig(url: string): QualysPcReportConfig {
  return qualysPcReportConfigSchema.parse({
    apiUrl: url,
    ...credentials,
    titlePrefix: 'PC-Weekly',
    maxRetries: 0,
  });
}

/** Serves another estate on the same port, so the connector config stays the same. */
async function restart(estate: typeof bigger, reports: Parameters<typeof startQualysSimulator>[0]) {
  const port = Number(new URL(simulator?.url ?? '').port);
  await simulator?.close();
  simulator = await startQualysSimulator({
    estate,
    classicRateLimit: false,
    port,
    ...reports,
  });
}

function violationRows(instance: string) {
  return store.database
    .prepare(
      'SELECT uid, host_uid AS hostUid, status, status_category AS category, closed_reason AS closedReason FROM violations WHERE connector_instance = ? ORDER BY uid',
    )
    .all(instance) as Array<{
    uid: string;
    hostUid: string;
    status: string;
    category: string;
    closedReason: string | null;
  }>;
}

describe('syncing reports into the store', () => {
  it('issue 5: closes findings absent from the newest report; a failed run closes nothing', async () => {
    simulator = await startQualysSimulator({
      estate: bigger,
      classicRateLimit: false,
      reports: [{ id: '200', title: 'PC-Weekly 1', policyId, launchDatetime: '2024-04-20T06:00:12Z' }],
    });
    const config = reportConfig(simulator.url);
    // No real back-off between report attempts.
    const definition = reportDefinition({ batchSize: 5, sleep: async () => {} });
    const first = await runSync(syncOptions(definition, config, 'report'));
    expect(first.outcome).toBe('succeeded');
    const before = violationRows('report');
    const hostsInNewest = new Set(createEstate(smaller).hostIdsForPolicy(policyId));
    const gone = before.filter((row) => !hostsInNewest.has(row.hostUid));
    expect(gone.filter((row) => row.category === 'open').length).toBeGreaterThan(0);

    // A newer report that breaks off half-way on every attempt: earlier batches are stored, nothing is closed.
    await restart(smaller, {
      reports: [{ id: '201', title: 'PC-Weekly 2', policyId, launchDatetime: '2024-04-27T06:00:12Z' }],
      faults: [{ endpoint: 'reportFetch', kind: 'resetMidBody', times: Number.POSITIVE_INFINITY }],
    });
    await expect(runSync(syncOptions(definition, config, 'report'))).rejects.toThrow(
      /report 201 .* failed after 3 attempts/,
    );
    expect(simulator.state.stats.requests.reportFetch).toBe(3);
    expect(store.lastRuns()[0]).toMatchObject({ outcome: 'failed' });
    const afterFailure = violationRows('report');
    expect(afterFailure.map((row) => row.uid)).toEqual(before.map((row) => row.uid));
    expect(afterFailure.filter((row) => row.closedReason !== null)).toEqual([]);
    expect(store.getState('report')?.connector).toMatchObject({ lastImportedReportId: '200' });

    // The same report, now complete: the vanished host's open findings are closed.
    simulator.state.setFaults([]);
    const second = await runSync(syncOptions(definition, config, 'report'));
    expect(second.outcome).toBe('succeeded');
    expect(second.closed).toBe(gone.length);
    const after = violationRows('report');
    for (const row of gone) {
      // The engine marks them closed (closed_at, reason) and keeps the last status the source gave.
      expect(after.find((candidate) => candidate.uid === row.uid)).toMatchObject({
        status: row.status,
        closedReason: closedReasonAbsent,
      });
    }
    expect(after.filter((row) => row.closedReason !== null)).toHaveLength(gone.length);
    expect(store.getState('report')?.connector).toMatchObject({ lastImportedReportId: '201' });
  });

  it('issue 5: PCRS and the Policy Report of one estate yield the same hosts and pass/fail counts', async () => {
    simulator = await startQualysSimulator({
      estate: bigger,
      classicRateLimit: false,
      pcrsRateLimit: false,
      reports: [{ id: '300', title: 'PC-Weekly', policyId, format: 'xml' }],
    });
    const pcrsConfig = qualysPcrsConfigSchema.parse({
      gatewayUrl: simulator.url,
      ...credentials,
      policyIds: { include: [policyId] },
      rateLimit: false,
    });
    expect((await runSync(syncOptions(qualysPcrsConnector, pcrsConfig, 'pcrs'))).outcome).toBe('succeeded');
    expect(
      (await runSync(syncOptions(qualysPcReportConnector, reportConfig(simulator.url), 'report'))).outcome,
    ).toBe('succeeded');
    const summary = (instance: string) => {
      const rows = store.database
        .prepare(
          'SELECT host_uid AS hostUid, status FROM violations WHERE connector_instance = ? AND policy_uid = ?',
        )
        .all(instance, policyId) as Array<{ hostUid: string; status: string }>;
      const counts: Record<string, number> = {};
      for (const row of rows) counts[row.status] = (counts[row.status] ?? 0) + 1;
      return { hosts: [...new Set(rows.map((row) => row.hostUid))].sort(), counts, total: rows.length };
    };
    const pcrs = summary('pcrs');
    const report = summary('report');
    expect(report.total).toBeGreaterThan(0);
    expect(report).toEqual(pcrs);
    const hostUids = (instance: string) =>
      (
        store.database
          .prepare('SELECT uid FROM hosts WHERE connector_instance = ? ORDER BY uid')
          .all(instance) as Array<{
          uid: string;
        }>
      ).map((row) => row.uid);
    expect(hostUids('report')).toEqual(hostUids('pcrs'));
  });

  it('issue 11: one estate through qualys-pcrs and a real-layout CSV report gives the same policy and host x control statuses', async () => {
    // The simulator's default CSV layout is the real one: no policy ID, so the title is looked up.
    simulator = await startQualysSimulator({
      estate: bigger,
      classicRateLimit: false,
      pcrsRateLimit: false,
      reports: [{ id: '310', title: 'PC-Weekly', policyId, format: 'csv' }],
    });
    const pcrsConfig = qualysPcrsConfigSchema.parse({
      gatewayUrl: simulator.url,
      ...credentials,
      policyIds: { include: [policyId] },
      rateLimit: false,
    });
    expect((await runSync(syncOptions(qualysPcrsConnector, pcrsConfig, 'pcrs'))).outcome).toBe('succeeded');
    const report = await runSync(syncOptions(qualysPcReportConnector, reportConfig(simulator.url), 'report'));
    expect(report.outcome).toBe('succeeded');
    expect(report.quarantined).toBe(0);
    const statuses = (instance: string) =>
      store.database
        .prepare(
          `SELECT host_uid AS hostUid, control_id AS controlId, instance, status FROM violations
            WHERE connector_instance = ? AND policy_uid = ?
            ORDER BY host_uid, control_id, instance, status`,
        )
        .all(instance, policyId);
    const fromReport = statuses('report');
    expect(fromReport.length).toBeGreaterThan(0);
    expect(fromReport).toEqual(statuses('pcrs'));
    const policies = (instance: string) =>
      store.database
        .prepare('SELECT uid, title FROM policies WHERE connector_instance = ? ORDER BY uid')
        .all(instance);
    expect(policies('report')).toEqual(policies('pcrs'));
  });
});
