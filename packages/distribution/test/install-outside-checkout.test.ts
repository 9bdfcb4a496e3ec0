import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packAll } from '../src/pack-all.ts';
import { repositoryRoot } from '../src/public-packages.ts';

/**
 * Issue 15: posturesync installed from its tarballs in an empty directory outside the checkout,
 * with a Node >= 22 on PATH (the repository's own `node` package) and nothing else from the
 * repository, works as a user would run it: version, demo, init, sync, and the command line
 * the service examples (systemd, cron) run, which must stop cleanly on SIGTERM.
 */

const nodeBinFolder = join(repositoryRoot, 'node_modules', 'node', 'bin');

/** The environment a user's shell has: no pnpm/npm script variables, our Node first on PATH. */
function userEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|PNPM_|VITEST|TURBO_|NODE_OPTIONS$|INIT_CWD$)/i.test(key)) continue;
    env[key] = value;
  }
  const path = (process.env.PATH ?? '')
    .split(':')
    .filter((entry) => entry !== '' && !entry.includes('node_modules'));
  return { ...env, PATH: [nodeBinFolder, ...path].join(':'), NO_COLOR: '1', ...extra };
}

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(
  command: string,
  args: readonly string[],
  cwd: string,
  env = userEnvironment(),
): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd, env, maxBuffer: 64 * 1024 * 1024, timeout: 300_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Starts the installed simulator (`qualys-simulator --port 0`) and resolves with its URL. */
function startSimulator(
  cwd: string,
  args: readonly string[],
): Promise<{ url: string; process: ChildProcess }> {
  const child = spawn(join(cwd, 'node_modules', '.bin', 'qualys-simulator'), ['--port', '0', ...args], {
    cwd,
    env: userEnvironment(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (url) resolve({ url, process: child });
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) =>
      reject(new Error(`the simulator exited (${code}) before listening: ${output}`)),
    );
  });
}

function writePcrsConfig(directory: string, url: string): void {
  writeFileSync(
    join(directory, 'posturesync.config.yaml'),
    [
      'database: ./posturesync.db',
      'connectors:',
      '  - name: pcrs-installed',
      '    type: qualys-pcrs',
      `    gatewayUrl: ${url}`,
      '    username: posturesync_demo',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
}

function lastRun(database: string): { outcome: string; hosts: number } | undefined {
  const db = new Database(database, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT outcome, hosts FROM sync_runs ORDER BY id DESC LIMIT 1').get() as
      | { outcome: string; hosts: number }
      | undefined;
  } finally {
    db.close();
  }
}

function runningOrNot(database: string): boolean {
  try {
    return lastRun(database)?.outcome === 'running';
  } catch {
    return false;
  }
}

describe('issue 15: posturesync installed from its tarballs, outside the checkout', () => {
  let directory = '';
  const simulators: ChildProcess[] = [];
  const cliVersion = (
    JSON.parse(readFileSync(join(repositoryRoot, 'packages', 'cli', 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;

  beforeAll(async () => {
    const tarballs = packAll();
    directory = mkdtempSync(join(tmpdir(), 'posturesync-install-'));
    const install = await run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...tarballs],
      directory,
    );
    if (install.code !== 0) throw new Error(`npm install failed (${install.code}): ${install.stderr}`);
  });

  afterAll(() => {
    for (const simulator of simulators) simulator.kill('SIGKILL');
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  it('ships built JavaScript with type declarations and no sources or tests', () => {
    const cli = join(directory, 'node_modules', '@posturesync', 'cli');
    expect(existsSync(join(cli, 'dist', 'bin.js'))).toBe(true);
    expect(existsSync(join(cli, 'dist', 'index.d.ts'))).toBe(true);
    expect(existsSync(join(cli, 'src'))).toBe(false);
    const core = join(directory, 'node_modules', '@posturesync', 'core', 'dist');
    const shipped = readdirSync(core, { recursive: true }).map(String);
    expect(shipped.filter((file) => file.endsWith('.test.js') || file.includes('test-support'))).toEqual([]);
  });

  it('npx posturesync --version prints the CLI version', async () => {
    const result = await run('npx', ['posturesync', '--version'], directory);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe(cliVersion);
  });

  it('npx posturesync demo syncs the built-in simulator into the current directory', async () => {
    const result = await run('npx', ['posturesync', 'demo'], directory);
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(join(directory, 'posturesync-demo.db'))).toBe(true);
    expect(lastRun(join(directory, 'posturesync-demo.db'))?.outcome).toBe('succeeded');
    // Outside the checkout the hints name the installed command, not the monorepo's pnpm.
    expect(result.stdout).toContain('npx posturesync status');
    expect(result.stdout).not.toContain('npx pnpm');
  });

  it('npx posturesync init writes the config here, and sync uses it and the database here', async () => {
    const init = await run('npx', ['posturesync', 'init', '--type', 'qualys-pcrs'], directory);
    expect(init.code, init.stderr).toBe(0);
    expect(existsSync(join(directory, 'posturesync.config.yaml'))).toBe(true);
    const simulator = await startSimulator(directory, ['--hosts', '12', '--no-rate-limit']);
    simulators.push(simulator.process);
    writePcrsConfig(directory, simulator.url);
    const env = userEnvironment({ QUALYS_PASSWORD: 'demo-password' });
    const sync = await run('npx', ['posturesync', 'sync'], directory, env);
    expect(sync.code, sync.stderr).toBe(0);
    const stored = lastRun(join(directory, 'posturesync.db'));
    expect(stored?.outcome).toBe('succeeded');
    expect(stored?.hosts).toBeGreaterThan(0);
    const status = await run('npx', ['posturesync', '--json', 'status'], directory, env);
    expect(status.code).toBe(0);
    expect((JSON.parse(status.stdout) as { hosts: number }).hosts).toBe(stored?.hosts);
  });

  it('the service command line stops cleanly on SIGTERM: the PID it gives is node, exit 130, run cancelled', async () => {
    // A slow source, so the sync is surely running when the supervisor stops it.
    const simulator = await startSimulator(directory, [
      '--hosts',
      '400',
      '--latency',
      '400',
      '--no-rate-limit',
    ]);
    simulators.push(simulator.process);
    const serviceDirectory = mkdtempSync(join(tmpdir(), 'posturesync-service-'));
    writePcrsConfig(serviceDirectory, simulator.url);
    // The exact command the systemd unit and the cron line in the README run.
    const command = join(directory, 'node_modules', '.bin', 'posturesync');
    const child = spawn(
      command,
      ['--config', join(serviceDirectory, 'posturesync.config.yaml'), 'sync', '--full'],
      {
        cwd: serviceDirectory,
        env: userEnvironment({ QUALYS_PASSWORD: 'demo-password' }),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const database = join(serviceDirectory, 'posturesync.db');
    // Wait until the run is recorded as running (the database exists and holds the run).
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      // The file exists a moment before its tables do: "no such table" means not yet.
      if (existsSync(database) && runningOrNot(database)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(lastRun(database)?.outcome).toBe('running');
    // The PID a supervisor holds is node itself: its command line is node running bin.js.
    const commandLine = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0');
    expect(commandLine[0]).toMatch(/node$/);
    child.kill('SIGTERM');
    expect(await exited, stderr).toBe(130);
    expect(lastRun(database)?.outcome).toBe('cancelled');
    rmSync(serviceDirectory, { recursive: true, force: true });
  });
});
