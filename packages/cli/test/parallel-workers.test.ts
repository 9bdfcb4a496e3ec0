import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  defaultCredentials,
  type RunningSimulator,
  startQualysSimulator,
} from '@posturesync/qualys-simulator';
import { type PostgresServer, startPostgresServer } from '@posturesync/store-postgres/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoke, tempDirectory } from './support/run-cli.ts';

/**
 * Issue 17: parallel workers. Two `posturesync sync --connector <name>` processes sync two
 * instances (two simulated subscriptions) into one PostgreSQL at the same time, and end with the
 * rows two sequential SQLite syncs leave; a second worker for a busy instance exits 6 naming the
 * holder.
 */

const cliBin = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
const instances = ['pcrs-eu', 'pcrs-us'] as const;

interface Worker {
  pid: number;
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
  started: Promise<boolean>;
}

function worker(args: string[], env: Record<string, string>): Worker {
  const child = spawn(process.execPath, [cliBin, ...args], {
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let signalStarted: (started: boolean) => void = () => undefined;
  const started = new Promise<boolean>((resolve) => {
    signalStarted = resolve;
  });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    if (stderr.includes('"sync started"')) signalStarted(true);
  });
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      signalStarted(false);
      resolve({ code, stdout, stderr });
    });
  });
  return { pid: child.pid ?? 0, exited, started };
}

function config(database: string, simulators: readonly RunningSimulator[]): string {
  return [
    `database: ${database}`,
    'connectors:',
    ...instances.flatMap((name, index) => [
      `  - name: ${name}`,
      '    type: qualys-pcrs',
      `    gatewayUrl: ${simulators[index]?.url}`,
      `    username: ${defaultCredentials.username}`,
      '    rateLimit: false',
      '    batchSize: 2',
    ]),
    '',
  ].join('\n');
}

/** Bookkeeping that differs between runs by design: wall-clock times and run ids. */
const runColumns = [
  'updated_at',
  'first_seen_run_id',
  'last_seen_run_id',
  'last_seen_generation',
  'closed_run_id',
];

async function rowsOf(
  cwd: string,
  env: Record<string, string>,
  view: string,
  instance: string,
): Promise<string[]> {
  const result = await invoke(['export', '--format', 'jsonl', '--view', view], { cwd, env });
  expect(result.code, result.stderr).toBe(0);
  return result.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((row) => row.connector_instance === instance)
    .map((row) => {
      for (const column of runColumns) delete row[column];
      return JSON.stringify(row);
    })
    .sort();
}

describe('issue 17: parallel workers on one PostgreSQL', () => {
  let simulators: RunningSimulator[];
  let server: PostgresServer;
  beforeAll(async () => {
    [server, ...simulators] = await Promise.all([
      startPostgresServer(),
      // Two subscriptions with different estates; a little latency so the two syncs overlap.
      startQualysSimulator({
        estate: { seed: 31, hosts: 10, policies: 2, controlsPerPolicy: 5 },
        pcrsRateLimit: false,
        classicRateLimit: false,
        latencyMs: 15,
      }),
      startQualysSimulator({
        estate: { seed: 32, hosts: 12, policies: 3, controlsPerPolicy: 4 },
        pcrsRateLimit: false,
        classicRateLimit: false,
        latencyMs: 15,
      }),
    ]);
  });
  afterAll(async () => {
    await Promise.all(simulators?.map((simulator) => simulator.close()) ?? []);
    server?.stop();
  });

  it('two workers sync two instances at once and store what two sequential SQLite syncs store', async () => {
    const env = { QUALYS_PASSWORD: defaultCredentials.password, ...server.env };
    const postgres = tempDirectory();
    writeFileSync(
      join(postgres, 'posturesync.config.yaml'),
      config(`${server.url}?schema=workers`, simulators),
      {
        mode: 0o600,
      },
    );
    // The first worker waits 6 s in its first postureInfo call, so the second surely starts (and
    // writes) while the first is still syncing, however slowly the machine starts processes.
    simulators[0]?.state.setFaults([{ endpoint: 'postureInfo', kind: 'slow', delayMs: 6_000 }]);
    const file = join(postgres, 'posturesync.config.yaml');
    const first = worker(['--json', 'sync', '--connector', instances[0], '--config', file], env);
    expect(await first.started).toBe(true);
    const second = worker(['--json', 'sync', '--connector', instances[1], '--config', file], env);
    const exits = await Promise.all([first.exited, second.exited]);
    simulators[0]?.state.setFaults([]);
    for (const exit of exits) expect(exit.code, exit.stderr).toBe(0);

    const sqlite = tempDirectory();
    writeFileSync(join(sqlite, 'posturesync.config.yaml'), config('./sequential.db', simulators), {
      mode: 0o600,
    });
    for (const name of instances) {
      const synced = await invoke(['sync', '--connector', name], { cwd: sqlite, env });
      expect(synced.code, synced.stderr).toBe(0);
    }

    // They really ran at the same time: each run started before the other finished.
    const history = JSON.parse((await invoke(['--json', 'history'], { cwd: postgres, env })).stdout) as {
      runs: Array<{ instance: string; startedAt: string; finishedAt: string; outcome: string }>;
    };
    const [eu, us] = instances.map((name) => history.runs.find((run) => run.instance === name));
    expect(eu?.outcome).toBe('succeeded');
    expect(us?.outcome).toBe('succeeded');
    expect(
      (eu?.startedAt ?? '') < (us?.finishedAt ?? '') && (us?.startedAt ?? '') < (eu?.finishedAt ?? ''),
    ).toBe(true);

    for (const name of instances) {
      for (const view of ['hosts', 'host_tags', 'policies', 'violation_definitions', 'violations']) {
        const expected = await rowsOf(sqlite, env, view, name);
        const actual = await rowsOf(postgres, env, view, name);
        if (view !== 'host_tags') expect(expected.length, `${name} ${view}`).toBeGreaterThan(0);
        // PCRS definitions take their dates from whichever posture record comes first (see the
        // fault suite's orderDependentColumns); compare them without those two columns.
        const strip = (rows: string[]) =>
          view === 'violation_definitions'
            ? rows.map((row) => {
                const {
                  source_created: _created,
                  source_last_modified: _modified,
                  ...rest
                } = JSON.parse(row);
                return JSON.stringify(rest);
              })
            : rows;
        expect([name, view, ...strip(actual)]).toEqual([name, view, ...strip(expected)]);
      }
    }
  });

  it('a second worker for a busy instance exits 6 and names the holder', async () => {
    const env = { QUALYS_PASSWORD: defaultCredentials.password, ...server.env };
    const cwd = tempDirectory();
    const file = join(cwd, 'posturesync.config.yaml');
    // A slow subscription, so the first worker is surely still syncing when the second starts.
    const slow = await startQualysSimulator({
      estate: { seed: 33, hosts: 10, policies: 2, controlsPerPolicy: 5 },
      pcrsRateLimit: false,
      classicRateLimit: false,
      latencyMs: 400,
    });
    writeFileSync(
      file,
      config(`${server.url}?schema=busy_instance`, [slow, simulators[1] as RunningSimulator]),
      {
        mode: 0o600,
      },
    );
    const first = worker(['sync', '--connector', 'pcrs-eu', '--full', '--config', file], env);
    expect(await first.started).toBe(true);
    const second = await worker(['sync', '--connector', 'pcrs-eu', '--config', file], env).exited;
    // The other instance is not blocked meanwhile.
    const other = worker(['sync', '--connector', 'pcrs-us', '--config', file], env);
    expect(second.code, `${second.stdout}\n${second.stderr}`).toBe(6);
    const said = `${second.stdout}\n${second.stderr}`;
    expect(said).toContain('Another sync of instance "pcrs-eu" holds its lock');
    expect(said).toContain(`pid ${first.pid} on host ${hostname()}`);
    expect(said).not.toContain(server.password);
    expect((await first.exited).code).toBe(0);
    expect((await other.exited).code).toBe(0);
    await slow.close();
  });
});
