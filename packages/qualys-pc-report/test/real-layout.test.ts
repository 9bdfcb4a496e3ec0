import { ConfigError, createLogger, type LogRecord, SecretRedactor } from '@posturesync/core';
import { type RunSyncOptions, runSync } from '@posturesync/engine';
import { SqliteStore } from '@posturesync/store-sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createQualysPcReportConnector,
  type QualysPcReportConfig,
  type QualysPcReportConfigInput,
  qualysPcReportConfigSchema,
  qualysPcReportConnector,
} from '../src/index.ts';
import { type FixtureReport, type FixtureServer, startFixtureServer } from './fixture-server.ts';
import { type FixtureName, fixtureBytes, fixtureText } from './fixtures.ts';
import { credentials, harness, readAll } from './support.ts';

/**
 * Issue 11: the connector against hand-written real-layout fixtures (test/fixtures/README.md),
 * served by a loopback stand-in that shares nothing with the simulator.
 */
let server: FixtureServer | undefined;
let store: SqliteStore;
beforeEach(() => {
  store = SqliteStore.open(':memory:');
});
afterEach(async () => {
  store.close();
  await server?.close();
  server = undefined;
});

const windowsPolicyId = '1234567';

function report(
  id: string,
  fixture: FixtureName | Buffer,
  launchDatetime = '2022-10-02T22:15:00Z',
): FixtureReport {
  return {
    id,
    title: `PC-Weekly ${id}`,
    body: typeof fixture === 'string' ? fixtureBytes(fixture) : fixture,
    launchDatetime,
  };
}

function config(url: string, extra: Partial<QualysPcReportConfigInput> = {}): QualysPcReportConfig {
  return qualysPcReportConfigSchema.parse({
    apiUrl: url,
    ...credentials,
    titlePrefix: 'PC-Weekly',
    maxRetries: 0,
    ...extra,
  });
}

function sync(url: string, extra: Partial<QualysPcReportConfigInput> = {}, logs: LogRecord[] = []) {
  const redactor = new SecretRedactor();
  const options: RunSyncOptions<QualysPcReportConfig> = {
    store,
    definition: {
      ...qualysPcReportConnector,
      create: (connectorConfig, context) =>
        createQualysPcReportConnector(connectorConfig, context, { sleep: async () => {} }),
    },
    instance: 'report',
    config: config(url, extra),
    logger: createLogger({ level: 'debug', redactor, sink: (record) => logs.push(record) }),
    redactor,
    signal: new AbortController().signal,
  };
  return runSync(options);
}

interface ViolationRow {
  uid: string;
  hostUid: string;
  policyUid: string;
  controlId: string;
  status: string;
  expected: string | null;
  actual: string | null;
  lastEvaluated: string | null;
  evidence: string | null;
  exception: string | null;
  closedAt: string | null;
}

function violations(): ViolationRow[] {
  return store.database
    .prepare(
      `SELECT uid, host_uid AS hostUid, policy_uid AS policyUid, control_id AS controlId, status,
              expected_value AS expected, actual_value AS actual, last_evaluated AS lastEvaluated,
              evidence, exception, closed_at AS closedAt
         FROM violations WHERE connector_instance = 'report' ORDER BY host_uid, control_id`,
    )
    .all() as ViolationRow[];
}

/** The real-layout fixture with its last RESULTS row cut off: a download cut between two rows. */
function cutAfterFifthResult(): Buffer {
  const text = fixtureText('real-layout-results.csv');
  const lastRow = text.lastIndexOf('\r\n"10.20.0.12"');
  return Buffer.from(text.slice(0, lastRow + 2));
}

describe('issue 11: real-layout Policy Report CSV', () => {
  it('stores every finding with its status, expected and actual values, UTC dates and the policy ID looked up by title', async () => {
    server = await startFixtureServer({ reports: [report('901', 'real-layout-results.csv')] });
    const summary = await sync(server.url);
    expect(summary.outcome).toBe('succeeded');
    expect(summary.quarantined).toBe(0);
    // Looked up once, through the classic API with the report calls' session.
    expect(server.requests.get('/api/2.0/fo/compliance/policy/ list')).toBe(1);
    expect(server.policyListQueries).toEqual(['?action=list&details=Basic']);

    const rows = violations();
    expect(rows.map((row) => [row.hostUid, row.controlId, row.status, row.policyUid])).toEqual([
      ['31001', '1071', 'passed', windowsPolicyId],
      ['31001', '1072', 'failed', windowsPolicyId],
      ['31001', '2345', 'passed', windowsPolicyId],
      ['31002', '1071', 'passed', windowsPolicyId],
      ['31002', '1072', 'failed', windowsPolicyId],
      ['31002', '2345', 'error', windowsPolicyId],
    ]);
    expect(rows.map((row) => [row.expected, row.actual])).toEqual([
      ['Disabled', 'Disabled'],
      ['greater than or equal to 14', '8'],
      ['Domain: On\nPrivate: On\nPublic: On', 'Domain: On\nPrivate: On\nPublic: On'],
      ['Disabled', 'Disabled'],
      ['greater than or equal to 14', '0'],
      [null, null],
    ]);
    // Each date with its own offset: 1 Oct 23:30 AEST (+10) and 2 Oct 03:30 AEDT (+11) are 3 h apart.
    expect(rows.map((row) => row.lastEvaluated)).toEqual([
      '2022-10-01T13:30:00.000Z',
      '2022-10-01T16:30:00.000Z',
      '2022-10-01T16:31:12.000Z',
      '2022-10-01T12:05:40.000Z',
      '2022-10-01T12:05:41.000Z',
      null,
    ]);
    const evidence = JSON.parse(rows[2]?.evidence ?? 'null');
    expect(evidence).toMatchObject({
      extended: 'netsh advfirewall show allprofiles state',
      actualLastUpdated: '2022-10-01T16:31:12.000Z',
    });
    expect(evidence.text).toContain('Evaluated by the Qualys Cloud Agent\n======Expected Value(s)======');
    // A negative offset: 18:00 at GMT-0500 is 23:00 UTC.
    expect(JSON.parse(rows[1]?.exception ?? 'null')).toMatchObject({
      status: 'Approved',
      endDate: '2022-12-31T23:00:00.000Z',
      createdDate: '2022-09-30T13:15:00.000Z',
      comments: 'Accepted until the legacy app moves.\nReviewed by the security team.',
    });

    // Hosts of Host Statistics are stored, the one without results too.
    const hosts = store.database
      .prepare(
        "SELECT uid, source_host_id AS qgHostId, last_scanned AS lastScanned FROM hosts WHERE connector_instance = 'report' ORDER BY uid",
      )
      .all();
    expect(hosts).toEqual([
      {
        uid: '31001',
        qgHostId: '3f1c2a9e-0b7d-4c55-9e3a-1a2b3c4d5e01',
        lastScanned: '2022-10-01T16:29:58.000Z',
      },
      {
        uid: '31002',
        qgHostId: '3f1c2a9e-0b7d-4c55-9e3a-1a2b3c4d5e02',
        lastScanned: '2022-10-01T12:05:30.000Z',
      },
      {
        uid: '31003',
        qgHostId: '3f1c2a9e-0b7d-4c55-9e3a-1a2b3c4d5e03',
        lastScanned: '2022-09-29T01:00:00.000Z',
      },
    ]);
    const policies = store.database
      .prepare(
        "SELECT uid, title, locked, modified_date AS modified FROM policies WHERE connector_instance = 'report'",
      )
      .all();
    expect(policies).toEqual([
      {
        uid: windowsPolicyId,
        title: 'CIS Benchmark for Windows Server 2019',
        locked: 0,
        modified: '2022-09-12T13:41:25.000Z',
      },
    ]);
    // What `posturesync status` shows.
    expect(store.policyPassRates()).toEqual([
      {
        instance: 'report',
        policyUid: windowsPolicyId,
        policyTitle: 'CIS Benchmark for Windows Server 2019',
        passed: 3,
        failed: 2,
        error: 1,
        unknown: 0,
        total: 6,
        passRate: 0.5,
      },
    ]);
  });

  it('a report cut cleanly between two rows makes the run partial, says both counts and closes nothing', async () => {
    server = await startFixtureServer({ reports: [report('901', 'real-layout-results.csv')] });
    expect((await sync(server.url)).outcome).toBe('succeeded');
    await server.close();
    server = await startFixtureServer({
      reports: [report('902', cutAfterFifthResult(), '2022-10-09T22:15:00Z')],
    });
    const logs: LogRecord[] = [];
    const summary = await sync(server.url, {}, logs);
    expect(summary.outcome).toBe('partial');
    expect(summary.closed).toBe(0);
    expect(summary.warnings).toEqual([
      'Policy report 902, policy 1234567: SUMMARY counts 6 result row(s) (3 passed, 2 failed, 1 error) but RESULTS holds 5 result row(s) (3 passed, 2 failed, 0 error). The file may have been cut short: what was read is stored, but no finding is closed. Fetch or re-run the report and sync again.',
    ]);
    expect(violations().every((row) => row.closedAt === null)).toBe(true);
    expect(violations()).toHaveLength(6);
  });

  it('an ambiguous policy title fails with a config error naming the title and candidates, storing nothing', async () => {
    const body = Buffer.from(
      fixtureText('real-layout-results.csv').replace(
        '"CIS Benchmark for Windows Server 2019","Unlocked"',
        '"Duplicated Baseline","Unlocked"',
      ),
    );
    server = await startFixtureServer({ reports: [report('903', body)] });
    const error = await sync(server.url).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('PS_ERR_CONFIG');
    expect((error as Error).message).toBe(
      'The policy report names its policy by title only, "Duplicated Baseline", and 2 compliance policies have that title: "Duplicated Baseline" (ID 3300001); "Duplicated Baseline" (ID 3300002). Set policyId in the connector configuration to the ID of the policy this report covers.',
    );
    const count = (table: string) =>
      (store.database.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    expect([count('hosts'), count('policies'), count('violations')]).toEqual([0, 0, 0]);
  });

  it('an unknown title fails naming the closest titles; a huge title is cut and its control characters escaped', async () => {
    const title = `CIS Benchmark for Windows Server 2019 \u001b[31m${'x'.repeat(5000)}`;
    const body = Buffer.from(
      fixtureText('real-layout-results.csv').replace(
        '"CIS Benchmark for Windows Server 2019","Unlocked"',
        `"${title}","Unlocked"`,
      ),
    );
    server = await startFixtureServer({ reports: [report('904', body)] });
    const { connector } = harness(server);
    try {
      const error = await readAll(connector).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      expect(message).toContain('"CIS Benchmark for Windows Server 2019 \\u001b[31mxxx');
      expect(message).not.toContain('\u001b');
      expect(message.length).toBeLessThan(1500);
      expect(message).toContain('no compliance policy in the Qualys policy list (7 policies) has that title');
      expect(message).toContain(
        'Closest titles: "CIS Benchmark for Windows Server 2019 (draft)" (ID 1234568)',
      );
    } finally {
      await connector.close();
    }
  });

  it('a configured policyId wins over the lookup: the policy list is not asked for', async () => {
    server = await startFixtureServer({ reports: [report('905', 'real-layout-results.csv')] });
    const { connector } = harness(server, { policyId: 777 });
    try {
      const result = await readAll(connector);
      expect(result.violations).toHaveLength(6);
      expect(result.violations.every((violation) => violation.policyUid === '777')).toBe(true);
      expect(server.requests.get('/api/2.0/fo/compliance/policy/ list')).toBeUndefined();
    } finally {
      await connector.close();
    }
  });

  it('the header-only real file stores its policy and its host, no findings, and succeeds', async () => {
    server = await startFixtureServer({ reports: [report('906', 'header-only.csv')] });
    const summary = await sync(server.url);
    expect(summary.outcome).toBe('succeeded');
    expect(
      store.database.prepare("SELECT uid, title FROM policies WHERE connector_instance = 'report'").all(),
    ).toEqual([{ uid: '2400001', title: 'TestUDC' }]);
    expect(
      store.database.prepare("SELECT uid, hostname, os FROM hosts WHERE connector_instance = 'report'").all(),
    ).toEqual([
      {
        uid: '62375',
        hostname: 'labwin10',
        os: 'Microsoft Windows 10 Pro 10.0.19044 64-bit N/A Build 19044',
      },
    ]);
    expect(violations()).toEqual([]);
  });

  it("an empty report succeeds and passes on Qualys' possible reason", async () => {
    server = await startFixtureServer({ reports: [report('907', 'empty-report.csv')] });
    const logs: LogRecord[] = [];
    const summary = await sync(server.url, {}, logs);
    expect(summary.outcome).toBe('succeeded');
    expect(violations()).toEqual([]);
    expect(
      logs.some((record) => record.message.startsWith('Qualys gives a possible reason for the empty report')),
    ).toBe(true);
  });

  it('a template without evidence and exception columns stores statuses, causes of failure and previous statuses', async () => {
    server = await startFixtureServer({ reports: [report('908', 'no-evidence-no-exceptions.csv')] });
    const { connector } = harness(server);
    try {
      const result = await readAll(connector);
      expect(result.batches.flatMap((batch) => batch.rejects ?? [])).toEqual([]);
      expect(
        result.violations.map((violation) => [
          violation.hostUid,
          violation.controlId,
          violation.status,
          violation.previousStatus,
          violation.policyUid,
        ]),
      ).toEqual([
        ['41021', '3001', 'passed', 'passed', '2500011'],
        ['41021', '3002', 'failed', 'passed', '2500011'],
        ['41022', '3001', 'failed', 'failed', '2500011'],
        ['41022', '3002', 'passed', null, '2500011'],
      ]);
      expect(result.violations[2]).toMatchObject({
        evidence: null,
        exception: null,
        expectedValue: null,
        causeOfFailure: { text: 'nodev is missing\nnosuid is missing' },
      });
      expect(result.batches.at(-1)?.completedScopes).toEqual([{ policyUid: '2500011', network: 'default' }]);
    } finally {
      await connector.close();
    }
  });

  it('check() says CSV is the confirmed format and XML the best guess, and that titles resolve', async () => {
    server = await startFixtureServer({ reports: [{ ...report('909', 'header-only.csv'), type: 'Policy' }] });
    const { connector } = harness(server);
    try {
      const details = (await connector.check()).details;
      expect(details).toContain(
        'compliance policy list readable (7 policies): report policy titles are resolved to IDs through it',
      );
      expect(details.at(-1)).toBe(
        'report formats: CSV is the confirmed layout (known from real Qualys exports); XML is a best guess (no public sample or DTD exists), so prefer output format CSV',
      );
    } finally {
      await connector.close();
    }
    const configured = harness(server, { policyId: '2400001' });
    try {
      expect((await configured.connector.check()).details).toContain(
        'policy ID 2400001 configured: report policy titles are not looked up',
      );
      expect(server.requests.get('/api/2.0/fo/compliance/policy/ list')).toBe(1);
    } finally {
      await configured.connector.close();
    }
  });
});
