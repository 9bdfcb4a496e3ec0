import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ConnectorKind } from './connectors.ts';
import { reportTitlePrefix, suiteCredentials } from './test-estate.ts';

/** The real `posturesync` entry point, run from source by Node 24. */
export const cliBin = fileURLToPath(new URL('../../cli/src/bin.ts', import.meta.url));

/** Instance names in the CLI config file. */
export const cliInstanceOf: Readonly<Record<ConnectorKind, string>> = {
  'qualys-pcrs': 'pcrs-kill',
  'qualys-pc-report': 'report-kill',
};

/**
 * A config file with both connector instances pointed at one simulator (written mode 600 so the
 * CLI does not warn). The password is not in it: the CLI reads QUALYS_PASSWORD.
 */
export function writeCliConfig(path: string, url: string): void {
  const yaml = [
    'connectors:',
    `  - name: ${cliInstanceOf['qualys-pcrs']}`,
    '    type: qualys-pcrs',
    `    gatewayUrl: ${url}`,
    `    username: ${suiteCredentials.username}`,
    '    rateLimit: false',
    '    batchSize: 2',
    '    parallelRequests: 2',
    '    evidence: true',
    '    maxRetries: 2',
    `  - name: ${cliInstanceOf['qualys-pc-report']}`,
    '    type: qualys-pc-report',
    `    apiUrl: ${url}`,
    `    username: ${suiteCredentials.username}`,
    `    titlePrefix: ${reportTitlePrefix}`,
    '    network: kill-net',
    '    maxRetries: 2',
    '',
  ].join('\n');
  writeFileSync(path, yaml, { mode: 0o600 });
}

export interface CliExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit. */
  durationMs: number;
}

export interface CliProcess {
  pid: number;
  /** Resolves when the process has exited. */
  exited: Promise<CliExit>;
  /** Sends a signal unless the process already exited; says whether it was sent. */
  kill(signal: NodeJS.Signals): boolean;
  /** Resolves when stderr has printed a line containing `text` (or the process exited: false). */
  waitForLog(text: string): Promise<boolean>;
}

/**
 * Spawns `posturesync --json sync --connector <instance> --config <file> --db <file>` with the
 * password in QUALYS_PASSWORD. `process.execPath` is the real Node binary (node_modules/.bin/node
 * is a shell wrapper that would receive the signals instead).
 */
export function spawnCliSync(options: {
  config: string;
  database: string;
  kind: ConnectorKind;
  /** More environment (a PostgreSQL store's PGPASSWORD). */
  env?: Readonly<Record<string, string>>;
}): CliProcess {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      cliBin,
      '--json',
      'sync',
      '--connector',
      cliInstanceOf[options.kind],
      '--config',
      options.config,
      '--db',
      options.database,
    ],
    {
      env: {
        PATH: process.env.PATH ?? '',
        QUALYS_PASSWORD: suiteCredentials.password,
        NO_COLOR: '1',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  let done = false;
  const logWaiters: Array<{ text: string; resolve: (found: boolean) => void }> = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    for (const waiter of [...logWaiters]) {
      if (stderr.includes(waiter.text)) {
        logWaiters.splice(logWaiters.indexOf(waiter), 1);
        waiter.resolve(true);
      }
    }
  });
  const exited = new Promise<CliExit>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      done = true;
      for (const waiter of logWaiters.splice(0)) waiter.resolve(false);
      resolve({ code, signal, stdout, stderr, durationMs: performance.now() - started });
    });
  });
  if (child.pid === undefined) throw new Error(`could not start ${cliBin}`);
  return {
    pid: child.pid,
    exited,
    kill: (signal) => !done && child.exitCode === null && child.signalCode === null && child.kill(signal),
    waitForLog: (text) =>
      stderr.includes(text) || done
        ? Promise.resolve(stderr.includes(text))
        : new Promise((resolve) => logWaiters.push({ text, resolve })),
  };
}

/** A small seeded PRNG (mulberry32), so the kill points are the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
