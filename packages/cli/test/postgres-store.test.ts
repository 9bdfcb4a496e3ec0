import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  defaultCredentials,
  type RunningSimulator,
  startQualysSimulator,
} from '@posturesync/qualys-simulator';
import { type PostgresServer, startPostgresServer } from '@posturesync/store-postgres/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoke, tempDirectory } from './support/run-cli.ts';

/**
 * The CLI against a real PostgreSQL server (started by the test): `database:` as a URL and as a
 * block, `--db` with a URL, and every reading command. The same syncs into SQLite are the
 * reference: the stored findings, changes and trend must be the same.
 */

const instance = 'pcrs-sim';

function connectorBlock(url: string, withReport = false): string[] {
  const report = [
    '  - name: report-sim',
    '    type: qualys-pc-report',
    `    apiUrl: ${url}`,
    `    username: ${defaultCredentials.username}`,
    '    titlePrefix: PC-Weekly',
  ];
  return [
    'connectors:',
    `  - name: ${instance}`,
    '    type: qualys-pcrs',
    `    gatewayUrl: ${url}`,
    `    username: ${defaultCredentials.username}`,
    '    rateLimit: false',
    // One call at a time: the same arrival order in both stores, so even change ids line up.
    '    parallelRequests: 1',
    ...(withReport ? report : []),
    '',
  ];
}

/** JSON Lines export without the wall-clock columns, sorted. */
function rowsOf(jsonl: string, drop: readonly string[]): string[] {
  return jsonl
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const row = JSON.parse(line) as Record<string, unknown>;
      for (const column of drop) delete row[column];
      return JSON.stringify(row);
    })
    .sort();
}

describe('issue 17: the CLI on PostgreSQL', () => {
  let simulator: RunningSimulator;
  let server: PostgresServer;
  beforeAll(async () => {
    [simulator, server] = await Promise.all([
      startQualysSimulator({
        estate: { seed: 23, hosts: 8, policies: 2, controlsPerPolicy: 5, flipRatio: 0.3 },
        pcrsRateLimit: false,
        classicRateLimit: false,
      }),
      startPostgresServer(),
    ]);
  });
  afterAll(async () => {
    await simulator?.close();
    server?.stop();
  });

  it('syncs into PostgreSQL what it syncs into SQLite; status, history, changes, trend and export read it', async () => {
    const env = { QUALYS_PASSWORD: defaultCredentials.password, ...server.env };
    const postgresUrl = `${server.url}?schema=cli_url`;
    const postgres = tempDirectory();
    writeFileSync(
      join(postgres, 'posturesync.config.yaml'),
      [`database: ${postgresUrl}`, ...connectorBlock(simulator.url, true)].join('\n'),
      {
        mode: 0o600,
      },
    );
    const sqlite = tempDirectory();
    writeFileSync(
      join(sqlite, 'posturesync.config.yaml'),
      ['database: ./reference.db', ...connectorBlock(simulator.url, true)].join('\n'),
      {
        mode: 0o600,
      },
    );

    for (const round of [1, 2]) {
      if (round === 2) simulator.state.estate.flipResults(new Date(Date.now() + 60_000));
      for (const cwd of [sqlite, postgres]) {
        const synced = await invoke(['--json', 'sync'], { cwd, env });
        expect(synced.code, synced.stderr).toBe(0);
        // Both connectors: PCRS posture streaming and the classic Policy Report.
        const runs = JSON.parse(synced.stdout).runs as Array<{ summary: { outcome: string; runId: number } }>;
        expect(runs.map((run) => [run.summary.outcome, run.summary.runId])).toEqual([
          ['succeeded', 2 * round - 1],
          ['succeeded', 2 * round],
        ]);
      }
    }

    const read = async (cwd: string, argv: string[]) => {
      const result = await invoke(argv, { cwd, env });
      expect(result.code, result.stderr).toBe(0);
      return result.stdout;
    };
    // Wall-clock columns differ between the two syncs; everything else must not.
    const clock = [
      'updated_at',
      'seen_at',
      'taken_at',
      'at',
      'started_at',
      'finished_at',
      'created_at',
      'fix_seen_at',
    ];
    for (const view of [
      'v_findings',
      'violations',
      'hosts',
      'host_tags',
      'v_changes',
      'v_pass_rate_trend',
      'posture_snapshot_severities',
    ]) {
      const argv = ['export', '--format', 'jsonl', '--view', view];
      expect([view, ...rowsOf(await read(postgres, argv), clock)]).toEqual([
        view,
        ...rowsOf(await read(sqlite, argv), clock),
      ]);
    }

    const status = JSON.parse(await read(postgres, ['--json', 'status'])) as {
      hosts: number;
      openFailedResults: number;
    };
    const reference = JSON.parse(await read(sqlite, ['--json', 'status'])) as typeof status;
    expect(status.hosts).toBe(reference.hosts);
    expect(status.hosts).toBeGreaterThanOrEqual(8);
    // `check` reads and keeps the rate windows in the PostgreSQL store too.
    expect((await invoke(['check'], { cwd: postgres, env })).code).toBe(0);
    expect(status.openFailedResults).toBe(reference.openFailedResults);
    expect(status.openFailedResults).toBeGreaterThan(0);
    expect(await read(postgres, ['status'])).toContain('pcrs-sim');

    const history = JSON.parse(await read(postgres, ['--json', 'history'])) as {
      runs: Array<{ id: number; outcome: string; counts: unknown }>;
    };
    const referenceHistory = JSON.parse(await read(sqlite, ['--json', 'history'])) as typeof history;
    expect(history.runs.map((run) => [run.id, run.outcome, run.counts])).toEqual(
      referenceHistory.runs.map((run) => [run.id, run.outcome, run.counts]),
    );

    const changes = JSON.parse(
      await read(postgres, ['--json', 'changes', '--since', '3', '--limit', '100000']),
    ) as { changes: unknown[] };
    const referenceChanges = JSON.parse(
      await read(sqlite, ['--json', 'changes', '--since', '3', '--limit', '100000']),
    ) as typeof changes;
    const withoutSeen = (list: unknown[]) => list.map((change) => ({ ...(change as object), seenAt: null }));
    expect(changes.changes.length).toBeGreaterThan(0);
    expect(withoutSeen(changes.changes)).toEqual(withoutSeen(referenceChanges.changes));

    const trend = JSON.parse(await read(postgres, ['--json', 'trend'])) as { trend: unknown[] };
    expect(trend.trend.length).toBeGreaterThan(0);
    const referenceTrend = JSON.parse(await read(sqlite, ['--json', 'trend'])) as typeof trend;
    const withoutAt = (value: unknown) =>
      JSON.stringify(value, (key, inner: unknown) =>
        key === 'at' || key === 'database' ? undefined : inner,
      );
    expect(withoutAt(trend)).toEqual(withoutAt(referenceTrend));

    // --out writes a file; the output names the database without any password.
    const out = join(postgres, 'findings.csv');
    const exported = await invoke(['export', '--view', 'v_findings', '--out', out], { cwd: postgres, env });
    expect(exported.code).toBe(0);
    expect(readFileSync(out, 'utf8').split('\n')[0]).toMatch(/^connector_instance,finding_uid,/);
    const state = await invoke(['--json', 'state', 'show'], { cwd: postgres, env });
    expect(JSON.parse(state.stdout).states[0]).toMatchObject({ instance, state: { inProgress: false } });
    for (const output of [status, history, changes, trend])
      expect(JSON.stringify(output)).not.toContain(server.password);
  });

  it('takes --db with a URL and a database: block with passwordEnv', async () => {
    const env = { QUALYS_PASSWORD: defaultCredentials.password, POSTURESYNC_DB_PASSWORD: server.password };
    const cwd = tempDirectory();
    mkdirSync(join(cwd, 'empty'));
    writeFileSync(
      join(cwd, 'posturesync.config.yaml'),
      [
        'database:',
        `  host: ${server.host}`,
        `  port: ${server.port}`,
        `  user: ${server.user}`,
        `  database: ${server.database}`,
        '  schema: cli_block',
        '  passwordEnv: POSTURESYNC_DB_PASSWORD',
        ...connectorBlock(simulator.url),
      ].join('\n'),
      { mode: 0o600 },
    );
    const synced = await invoke(['sync'], { cwd, env });
    expect(synced.code, synced.stderr).toBe(0);
    const url = `${server.url}?schema=cli_block`;
    const noPassword = await invoke(['--db', url, 'history'], { cwd: join(cwd, 'empty'), env });
    expect(noPassword.code).toBe(5);
    expect(noPassword.stderr).toContain(
      'the server asks for a password and none is set: put it in PGPASSWORD',
    );
    const history = await invoke(['--json', '--db', url, 'history'], {
      cwd: join(cwd, 'empty'),
      env: server.env,
    });
    expect(history.code, history.stderr).toBe(0);
    expect(JSON.parse(history.stdout).runs).toHaveLength(1);

    const wrong = await invoke(['--db', url, 'status'], { cwd, env: { PGPASSWORD: 'not-it' } });
    expect(wrong.code).toBe(5);
    expect(wrong.stderr).toContain('password authentication failed');
    expect(wrong.stderr).not.toContain('not-it');
    const missing = await invoke(['--db', `${server.url}?schema=never_synced`, 'status'], {
      cwd,
      env: server.env,
    });
    expect(missing.code).toBe(5);
    expect(missing.stderr).toContain('No posturesync schema at');
  });
});
