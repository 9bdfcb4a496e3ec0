import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startQualysSimulator } from '@posturesync/qualys-simulator';
import { SqliteStore } from '@posturesync/store-sqlite';
import { afterEach, describe, expect, it } from 'vitest';

const cliBin = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
const credentials = { username: 'posturesync_demo', password: 'demo-password' };

/**
 * Qualys documents 25 calls per 60 s per subscription, and posturesync paces itself at that by
 * default. The count stays 25 here; the window is shortened to 6 s so the test takes seconds.
 */
const documentedRequests = 25;
const windowSeconds = 6;

let simulator: Awaited<ReturnType<typeof startQualysSimulator>> | undefined;
let directory: string | undefined;
afterEach(async () => {
  await simulator?.close();
  simulator = undefined;
  if (directory) rmSync(directory, { recursive: true, force: true });
  directory = undefined;
});

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cliBin, ...args], {
    env: { PATH: process.env.PATH ?? '', QUALYS_PASSWORD: credentials.password, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('issue 12: the rate window outlives the process', () => {
  it('two back-to-back `sync --full` processes on one database both exit 0, and the second meets no 429', async () => {
    simulator = await startQualysSimulator({
      estate: { seed: 7, hosts: 30, policies: 4, controlsPerPolicy: 8 },
      pcrsRateLimit: { requests: documentedRequests, perMs: windowSeconds * 1000 },
      credentials,
    });
    directory = mkdtempSync(join(tmpdir(), 'posturesync-throttle-'));
    const config = join(directory, 'posturesync.config.yaml');
    const database = join(directory, 'posturesync.db');
    writeFileSync(
      config,
      [
        'connectors:',
        '  - name: pcrs',
        '    type: qualys-pcrs',
        `    gatewayUrl: ${simulator.url}`,
        `    username: ${credentials.username}`,
        // About 20 calls per run: two runs inside one window exceed the 25 the server allows.
        '    batchSize: 5',
        '    rateLimit:',
        `      requests: ${documentedRequests}`,
        `      perSeconds: ${windowSeconds}`,
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    const args = ['--json', 'sync', '--full', '--config', config, '--db', database];

    const first = await runCli(args);
    expect(first.stderr).not.toContain('"level":"error"');
    expect(first.code).toBe(0);
    const refusedByFirst = simulator.state.stats.rateLimited429;
    const callsByFirst = simulator.state.stats.total - simulator.state.stats.authCalls;
    expect(callsByFirst).toBeGreaterThan(documentedRequests / 2);

    const second = await runCli(args);
    expect(second.code).toBe(0);
    expect(simulator.state.stats.rateLimited429 - refusedByFirst).toBe(0);
    expect(refusedByFirst).toBe(0);
    const result = JSON.parse(second.stdout) as {
      runs: Array<{
        summary: { outcome: string; metrics: { throttledWaits: number; rateLimitWaits: number } };
      }>;
    };
    expect(result.runs[0]?.summary.outcome).toBe('succeeded');
    expect(result.runs[0]?.summary.metrics.throttledWaits).toBe(0);
    // It started from the first run's window, so it had to wait for it.
    expect(result.runs[0]?.summary.metrics.rateLimitWaits).toBeGreaterThan(0);

    const store = SqliteStore.open(database, { readonly: true });
    try {
      const runs = store.history({ instance: 'pcrs' });
      expect(runs.map((run) => run.outcome)).toEqual(['succeeded', 'succeeded']);
      expect(runs[0]?.counts.violations).toBe(runs[1]?.counts.violations);
    } finally {
      store.close();
    }
  }, 90_000);
});
