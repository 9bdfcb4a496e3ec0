import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Host, normalizeStatus, type Violation } from '@posturesync/core';
import {
  defaultCredentials,
  type RunningSimulator,
  startQualysSimulator,
} from '@posturesync/qualys-simulator';
import { SqliteStore } from '@posturesync/store-sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoke, tempDirectory } from './support/run-cli.ts';

const env = { QUALYS_PASSWORD: defaultCredentials.password };

function project(url: string): string {
  const cwd = tempDirectory();
  writeFileSync(
    join(cwd, 'posturesync.config.yaml'),
    [
      'database: ./history.db',
      'connectors:',
      '  - name: pcrs-sim',
      '    type: qualys-pcrs',
      `    gatewayUrl: ${url}`,
      `    username: ${defaultCredentials.username}`,
      '    rateLimit: false',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  return cwd;
}

describe('issue 14: compliance over time against the simulator', () => {
  let simulator: RunningSimulator;
  beforeAll(async () => {
    simulator = await startQualysSimulator({
      estate: { seed: 11, hosts: 8, policies: 2, controlsPerPolicy: 5, flipRatio: 0.3 },
      pcrsRateLimit: false,
      classicRateLimit: false,
    });
  });
  afterAll(async () => simulator.close());

  /** Every result's status by posture record id (the PCRS finding uid), read from the estate. */
  function statuses(): Map<string, string> {
    const { estate } = simulator.state;
    const map = new Map<string, string>();
    for (const policy of estate.policies()) {
      for (const record of estate.postureRecords(policy.id, estate.hostIdsForPolicy(policy.id))) {
        map.set(String(record.id), normalizeStatus(record.status));
      }
    }
    return map;
  }

  it('sync, flip a seeded share of results, sync again: changes lists exactly the flips; trend shows both runs', async () => {
    const cwd = project(simulator.url);
    const first = await invoke(['--json', 'sync'], { cwd, env });
    expect(first.code).toBe(0);
    const firstRun = JSON.parse(first.stdout).runs[0].summary.runId as number;
    const before = statuses();

    simulator.state.estate.flipResults(new Date(Date.now() + 60_000));
    const after = statuses();
    const flipped = [...after].filter(([uid, status]) => before.get(uid) !== status);
    expect(flipped.length).toBeGreaterThan(5);
    expect(flipped.length).toBeLessThan(after.size);

    const second = await invoke(['--json', 'sync'], { cwd, env });
    expect(second.code).toBe(0);
    const secondRun = JSON.parse(second.stdout).runs[0].summary.runId as number;
    expect(secondRun).toBeGreaterThan(firstRun);

    const changes = await invoke(['--json', 'changes', '--since', String(secondRun), '--limit', '100000'], {
      cwd,
    });
    expect(changes.code).toBe(0);
    const parsed = JSON.parse(changes.stdout) as {
      database: string;
      changes: Array<Record<string, unknown>>;
    };
    expect(parsed.database).toBe(join(cwd, 'history.db'));
    expect(Object.keys(parsed.changes[0]!)).toEqual([
      'instance',
      'hostUid',
      'hostName',
      'policyUid',
      'controlId',
      'from',
      'to',
      'runId',
      'seenAt',
      'changedAt',
    ]);
    const store = SqliteStore.open(join(cwd, 'history.db'), { readonly: true });
    try {
      // The JSON names a finding by host, policy and control; the store API gives its uid.
      const logged = store
        .statusChanges({ sinceRunId: secondRun, limit: 100_000 })
        .map((change) => [change.findingUid, change.from, change.to, change.runId]);
      expect(logged.sort()).toEqual(flipped.map(([uid, to]) => [uid, before.get(uid), to, secondRun]).sort());
    } finally {
      store.close();
    }
    for (const change of parsed.changes) {
      expect(change).toMatchObject({ instance: 'pcrs-sim', runId: secondRun });
      expect(change.from).not.toBe(change.to);
      expect(typeof change.hostName).toBe('string');
    }
    expect(parsed.changes).toHaveLength(flipped.length);

    // The first run logged every finding once, as first seen.
    const all = await invoke(['--json', 'changes', '--limit', '100000', '--connector', 'pcrs-sim'], { cwd });
    const firstSights = (JSON.parse(all.stdout).changes as Array<{ from: unknown; runId: number }>).filter(
      (change) => change.runId === firstRun,
    );
    expect(firstSights).toHaveLength(before.size);
    expect(firstSights.every((change) => change.from === null)).toBe(true);

    const trend = await invoke(['--json', 'trend'], { cwd });
    expect(trend.code).toBe(0);
    const points = JSON.parse(trend.stdout).trend as Array<Record<string, unknown>>;
    const policies = simulator.state.estate.policies().map((policy) => policy.id);
    expect(points.map((point) => [point.policyUid, point.runId])).toEqual(
      [...policies].sort().flatMap((policy) => [
        [policy, firstRun],
        [policy, secondRun],
      ]),
    );
    expect(Object.keys(points[0]!)).toEqual([
      'instance',
      'policyUid',
      'policyTitle',
      'runId',
      'at',
      'passed',
      'failed',
      'error',
      'total',
      'passRate',
    ]);
    const { estate } = simulator.state;
    for (const point of points) {
      const policyId = String(point.policyUid);
      expect(point.total).toBe(estate.postureRecordCount([policyId]));
    }
    const passedAfter = [...after.values()].filter((status) => status === 'passed').length;
    const passedBefore = [...before.values()].filter((status) => status === 'passed').length;
    const sum = (runId: number) =>
      points
        .filter((point) => point.runId === runId)
        .reduce((total, point) => total + Number(point.passed), 0);
    expect(sum(firstRun)).toBe(passedBefore);
    expect(sum(secondRun)).toBe(passedAfter);

    const human = await invoke(['trend', '--policy', policies[0]!], { cwd });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/PASS RATE/);
    expect(human.stdout).toMatch(/[▁▂▃▄▅▆▇█]{2}/);
    expect(human.stdout.trim().split('\n')).toHaveLength(3);

    const humanChanges = await invoke(['changes', '--since', String(secondRun), '--limit', '3'], { cwd });
    expect(humanChanges.code).toBe(0);
    expect(humanChanges.stdout).toMatch(/SEEN\s+INSTANCE\s+HOST\s+POLICY\s+CONTROL\s+FROM\s+TO/);
    expect(humanChanges.stdout.trim().split('\n')).toHaveLength(5);
  });
});

const hostileHost: Host = {
  uid: 'h1',
  sourceName: 'TEST',
  hostname: 'evil\x1b[2J\u202ehost',
  ipAddresses: ['10.0.0.1'],
  publicIpAddresses: [],
  privateIpAddresses: ['10.0.0.1'],
  dnsNames: [],
  netbios: null,
  os: 'Linux',
  trackingMethod: 'IP',
  network: null,
  networkId: null,
  sourceHostId: 'h1',
  assetId: null,
  lastScanned: '2024-05-01T06:00:12.000Z',
  tags: [],
  raw: {},
};

const failingFinding: Violation = {
  uid: 'h1:p1:c1',
  sourceName: 'TEST',
  hostUid: 'h1',
  policyUid: 'p1',
  definitionUid: 'p1:c1',
  controlId: 'c1',
  technologyId: null,
  instance: null,
  status: 'failed',
  previousStatus: null,
  statusCategory: 'open',
  firstFailed: null,
  lastFailed: null,
  firstPassed: null,
  lastPassed: null,
  lastEvaluated: '2024-05-01T06:00:12.000Z',
  sourceLastModified: null,
  expectedValue: null,
  actualValue: 'a,b "quoted"\nsecond line',
  evidence: null,
  causeOfFailure: null,
  exception: null,
  network: null,
  raw: {},
};

describe('issue 14: changes, trend and export on a crafted database', () => {
  function crafted(): { cwd: string; path: string } {
    const cwd = tempDirectory();
    const path = join(cwd, 'crafted.db');
    const store = SqliteStore.open(path);
    try {
      const run = store.createRun({
        instance: 'lab',
        connectorId: 'fake',
        configFingerprint: 'f',
        generation: null,
        resumedFromRunId: null,
        full: false,
        startedAt: '2024-06-01T00:00:00.000Z',
      });
      const scope = {
        instance: 'lab',
        runId: run.id,
        generation: run.generation,
        now: '2024-06-01T00:00:00.000Z',
      };
      store.upsertRecords(scope, {
        hosts: [hostileHost],
        violations: [failingFinding],
      });
      store.recordPostureSnapshot('lab', run.id, '2024-06-01T00:00:00.000Z');
      store.finishRun(run.id, {
        outcome: 'succeeded',
        finishedAt: '2024-06-01T00:00:01.000Z',
        errorCode: null,
        errorMessage: null,
        counts: { hosts: 1, policies: 0, definitions: 0, violations: 1 },
        batches: 1,
        quarantined: 0,
        closed: 0,
        metrics: {
          requests: 0,
          retries: 0,
          rateLimitWaits: 0,
          rateLimitWaitMs: 0,
          bytesReceived: 0,
          throttledWaits: 0,
          throttledWaitMs: 0,
        },
        warningCount: 0,
        warnings: [],
      });
    } finally {
      store.close();
    }
    return { cwd, path };
  }

  it('human output escapes control and bidi characters from the source; JSON keeps them exact', async () => {
    const { cwd, path } = crafted();
    const human = await invoke(['--db', path, 'changes'], { cwd });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('evil\\x1b[2J\\u202ehost');
    expect(human.stdout).not.toContain('\x1b');
    expect(human.stdout).not.toContain('\u202e');
    const json = await invoke(['--db', path, '--json', 'changes'], { cwd });
    expect(JSON.parse(json.stdout).changes[0].hostName).toBe('evil\x1b[2J\u202ehost');
  });

  it('export streams a view as RFC 4180 CSV to a file and as JSON Lines to stdout', async () => {
    const { cwd, path } = crafted();
    const csv = await invoke(
      ['--db', path, 'export', '--format', 'csv', '--view', 'violations', '--out', 'v.csv'],
      {
        cwd,
      },
    );
    expect(csv.code).toBe(0);
    expect(csv.stderr).toContain('exported 1 row(s) of violations');
    const text = readFileSync(join(cwd, 'v.csv'), 'utf8');
    expect(text.startsWith('connector_instance,uid,source_name,')).toBe(true);
    expect(text).toContain('"a,b ""quoted""\nsecond line"');
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n')).toHaveLength(3);

    const jsonl = await invoke(['--db', path, 'export', '--format', 'jsonl', '--view', 'v_findings'], {
      cwd,
    });
    expect(jsonl.code).toBe(0);
    const lines = jsonl.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      connector_instance: 'lab',
      host_name: 'evil\x1b[2J\u202ehost',
      status: 'failed',
      reported: 1,
    });
    expect(jsonl.stdout).not.toContain('\u202e');

    const trend = await invoke(['--db', path, 'export', '--format', 'csv', '--view', 'v_pass_rate_trend'], {
      cwd,
    });
    expect(trend.stdout.split('\r\n')[0]).toBe(
      'connector_instance,policy_uid,policy_title,run_id,at,outcome,passed,failed,error,unknown,total,pass_rate',
    );
    expect(trend.stdout.split('\r\n')[1]).toBe('lab,p1,,1,2024-06-01T00:00:00.000Z,succeeded,0,1,0,0,1,0');
  });

  it('export accepts only known views and tables (no SQL through --view)', async () => {
    const { cwd, path } = crafted();
    for (const view of ['v_findings; DROP TABLE hosts', 'connector_state', 'sqlite_master', 'nope']) {
      const result = await invoke(['--db', path, 'export', '--view', view], { cwd });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('is not a known view or table');
      expect(result.stdout).toBe('');
    }
    const store = SqliteStore.open(path, { readonly: true });
    expect(store.summary().hosts).toBe(1);
    store.close();
    const format = await invoke(['--db', path, 'export', '--format', 'xml'], { cwd });
    expect(format.code).toBe(2);
    const badOut = await invoke(['--db', path, 'export', '--out', join(cwd, 'missing', 'dir', 'x.csv')], {
      cwd,
    });
    expect(badOut.code).toBe(2);
    expect(badOut.stderr).toContain('cannot write the export');
  });

  it('changes --since accepts a run id or an ISO date and rejects anything else', async () => {
    const { cwd, path } = crafted();
    const byDate = await invoke(['--db', path, '--json', 'changes', '--since', '2024-06-02'], { cwd });
    expect(JSON.parse(byDate.stdout).changes).toEqual([]);
    const earlier = await invoke(['--db', path, '--json', 'changes', '--since', '2024-05-31'], { cwd });
    expect(JSON.parse(earlier.stdout).changes).toHaveLength(1);
    const byRun = await invoke(['--db', path, '--json', 'changes', '--since', '2'], { cwd });
    expect(JSON.parse(byRun.stdout).changes).toEqual([]);
    const bad = await invoke(['--db', path, 'changes', '--since', 'last week'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('expected a run id');
  });
});
