import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  defaultCredentials,
  type RunningSimulator,
  startQualysSimulator,
} from '@posturesync/qualys-simulator';
import { SqliteStore } from '@posturesync/store-sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoke, tempDirectory } from './support/run-cli.ts';

const smallDemo = ['--hosts', '8', '--policies', '2', '--controls', '5', '--seed', '7'];

function countRows(path: string): { hosts: number; violations: number; runs: number } {
  const store = SqliteStore.open(path, { readonly: true });
  try {
    const count = (table: string) =>
      (store.database.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    return { hosts: count('hosts'), violations: count('violations'), runs: count('sync_runs') };
  } finally {
    store.close();
  }
}

describe('posturesync demo', () => {
  it('syncs both connectors from the in-process simulator into a fresh demo database and prints the summary', async () => {
    const cwd = tempDirectory();
    const result = await invoke(['demo', ...smallDemo], { cwd });
    expect(result.stderr).not.toContain('"level":"error"');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('demo-pcrs (qualys-pcrs) succeeded');
    expect(result.stdout).toContain('demo-pc-report (qualys-pc-report) succeeded');
    expect(result.stdout).toContain('Pass rate per policy');
    expect(result.stdout).toContain('Failing controls by severity');
    expect(result.stdout).toContain('v_hosts_by_failures');
    expect(result.stderr).toMatch(/Qualys simulator listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(result.stdout + result.stderr).not.toContain(defaultCredentials.password);

    const path = join(cwd, 'posturesync-demo.db');
    const first = countRows(path);
    expect(first.hosts).toBeGreaterThan(0);
    expect(first.violations).toBeGreaterThan(0);
    expect(first.runs).toBe(2);

    // Each demo run starts from a fresh database rather than piling up runs.
    const again = await invoke(['--json', 'demo', ...smallDemo], { cwd });
    expect(again.code).toBe(0);
    const json = JSON.parse(again.stdout);
    expect(json.runs.map((run: { instance: string }) => run.instance)).toEqual([
      'demo-pcrs',
      'demo-pc-report',
    ]);
    expect(json.status.hosts).toBe(first.hosts);
    expect(countRows(path)).toEqual(first);
    expect(again.stdout + again.stderr).not.toContain(defaultCredentials.password);
  });

  it('refuses to delete a --db that is not a demo database', async () => {
    const cwd = tempDirectory();
    const path = join(cwd, 'real.db');
    writeFileSync(path, 'not sqlite at all, but precious');
    const result = await invoke(['--db', path, 'demo', ...smallDemo], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not a posturesync demo database');
    expect(existsSync(path)).toBe(true);
  });
});

describe('sync against a running simulator with a config naming each connector', () => {
  let simulator: RunningSimulator;
  beforeAll(async () => {
    simulator = await startQualysSimulator({
      estate: { seed: 3, hosts: 6, policies: 2, controlsPerPolicy: 4 },
      pcrsRateLimit: false,
      classicRateLimit: false,
    });
  });
  afterAll(async () => simulator.close());

  function project(): string {
    const cwd = tempDirectory();
    writeFileSync(
      join(cwd, 'posturesync.config.yaml'),
      [
        'database: ./qualys.db',
        'connectors:',
        '  - name: pcrs-sim',
        '    type: qualys-pcrs',
        `    gatewayUrl: ${simulator.url}`,
        `    username: ${defaultCredentials.username}`,
        '    rateLimit: false',
        '  - name: report-sim',
        '    type: qualys-pc-report',
        `    apiUrl: ${simulator.url}`,
        `    username: ${defaultCredentials.username}`,
        '    passwordEnv: REPORT_PASSWORD',
        '    titlePrefix: PC-Weekly',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    return cwd;
  }

  const env = { QUALYS_PASSWORD: defaultCredentials.password, REPORT_PASSWORD: defaultCredentials.password };

  it('check, sync, status and history work end to end and --json never contains the password', async () => {
    const cwd = project();
    const check = await invoke(['check'], { cwd, env });
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/✓ pcrs-sim \(qualys-pcrs\)/);
    expect(check.stdout).toMatch(/✓ report-sim \(qualys-pc-report\)/);

    const sync = await invoke(['--json', 'sync'], { cwd, env });
    expect(sync.code).toBe(0);
    const summary = JSON.parse(sync.stdout);
    expect(summary.runs).toHaveLength(2);
    for (const run of summary.runs) expect(run.summary.outcome).toBe('succeeded');
    expect(summary.runs[0].summary.counts.violations).toBeGreaterThan(0);
    expect(sync.stdout + sync.stderr).not.toContain(defaultCredentials.password);

    const status = await invoke(['--json', 'status'], { cwd, env });
    const parsed = JSON.parse(status.stdout);
    expect(parsed.hosts).toBeGreaterThan(0);
    expect(parsed.lastRuns.map((run: { instance: string }) => run.instance).sort()).toEqual([
      'pcrs-sim',
      'report-sim',
    ]);
    expect(status.stdout).not.toContain(defaultCredentials.password);

    const second = await invoke(['sync', '--connector', 'pcrs-sim'], { cwd, env });
    expect(second.code).toBe(0);
    const history = await invoke(['history'], { cwd, env });
    expect(history.stdout.trim().split('\n')).toHaveLength(2 + 3);
    expect(history.stdout).toMatch(/pcrs-sim .* succeeded/);

    const historyJson = await invoke(['--json', 'history', '--connector', 'pcrs-sim'], { cwd, env });
    expect(JSON.parse(historyJson.stdout).runs).toHaveLength(2);
    expect(historyJson.stdout).not.toContain(defaultCredentials.password);
  });

  it('issue 15: the stored counts the summary prints are the rows in the tables (SELECT COUNT(*))', async () => {
    const cwd = project();
    const sync = await invoke(['--no-color', 'sync'], { cwd, env });
    expect(sync.code).toBe(0);
    const store = SqliteStore.open(join(cwd, 'qualys.db'), { readonly: true });
    try {
      for (const instance of ['pcrs-sim', 'report-sim']) {
        const count = (table: string) =>
          (
            store.database
              .prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE connector_instance = ?`)
              .get(instance) as { n: number }
          ).n;
        const block = sync.stdout.slice(sync.stdout.indexOf(`✓ ${instance} `));
        const printed =
          /stored: hosts ([\d,]+) · policies ([\d,]+) · definitions ([\d,]+) · violations ([\d,]+); quarantined ([\d,]+); duplicates passed over ([\d,]+)/.exec(
            block,
          );
        expect(printed, `${instance}: ${sync.stdout}`).not.toBeNull();
        const numbers = (printed ?? []).slice(1).map((text) => Number(text.replaceAll(',', '')));
        expect(numbers.slice(0, 4)).toEqual([
          count('hosts'),
          count('policies'),
          count('violation_definitions'),
          count('violations'),
        ]);
        expect(numbers[0]).toBeGreaterThan(0);
        expect(numbers[3]).toBeGreaterThan(0);
        expect(numbers[4]).toBe(count('quarantine'));
      }
    } finally {
      store.close();
    }
  });

  it('a wrong password is an auth error: exit 3, and the wrong password is not printed', async () => {
    const cwd = project();
    const wrong = 'definitely-wrong-password';
    const result = await invoke(['check', '--connector', 'pcrs-sim'], {
      cwd,
      env: { ...env, QUALYS_PASSWORD: wrong },
    });
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('✗ pcrs-sim (qualys-pcrs): [PS_ERR_AUTH]');
    expect(result.stdout + result.stderr).not.toContain(wrong);
    const sync = await invoke(['--json', 'sync', '--connector', 'report-sim'], {
      cwd,
      env: { ...env, REPORT_PASSWORD: wrong },
    });
    expect(sync.code).toBe(3);
    expect(sync.stdout + sync.stderr).not.toContain(wrong);
  });
});
