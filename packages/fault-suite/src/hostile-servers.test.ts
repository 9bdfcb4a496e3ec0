import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { exitCodes } from '@posturesync/cli';
import { buildZipBomb, createEstate, startQualysSimulator } from '@posturesync/qualys-simulator';
import { SqliteStore } from '@posturesync/store-sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnWatched, type WatchedExit } from './cli-peak-rss.ts';
import { cliBin } from './cli-process.ts';
import { hostileCases } from './hostile-cases.ts';
import { type HostileFetch, startHostileClassicApi, streamBody } from './hostile-server.ts';
import { copyDatabase, expectConsistent, expectNoSecrets } from './in-process-harness.ts';
import { entitySnapshot, snapshotDifferences } from './snapshot.ts';
import {
  reportsWithNewerOne,
  reportTitlePrefix,
  seedEstateOptions,
  suiteCredentials,
} from './test-estate.ts';

const MiB = 1024 * 1024;
/**
 * What a hostile body may add to the peak resident set of a clean import (the seed sync, measured
 * the same way): far below the 300 MiB bodies, which an unbounded reader would hold at least once.
 */
const maxExtraRss = 96 * MiB;
let baselineRss = 0;
const expectBoundedMemory = (exit: WatchedExit) => {
  expect(exit.peakRssBytes).toBeGreaterThan(0);
  expect(exit.peakRssBytes - baselineRss).toBeLessThan(maxExtraRss);
};
const instance = 'hostile';
const directory = mkdtempSync(join(tmpdir(), 'posturesync-hostile-'));
const seedPath = join(directory, 'seed.db');
const xmlHead = `<?xml version="1.0" encoding="UTF-8" ?>\n<POLICY_REPORT><HEADER><TITLE>${reportTitlePrefix} hostile</TITLE></HEADER><RESULTS><HOST_LIST><HOST><IP>`;

function reportConfig(path: string, apiUrl: string, extra = ''): void {
  writeFileSync(
    path,
    [
      'connectors:',
      `  - name: ${instance}`,
      '    type: qualys-pc-report',
      `    apiUrl: ${apiUrl}`,
      `    username: ${suiteCredentials.username}`,
      '    auth: basic',
      `    titlePrefix: ${reportTitlePrefix}`,
      '    network: hostile-net',
      '    maxRetries: 0',
      '    maxReportAttempts: 1',
      extra,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
}

function environment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    QUALYS_PASSWORD: suiteCredentials.password,
    NO_COLOR: '1',
    ...extra,
  };
}

async function syncAgainst(
  fetch: HostileFetch,
  options: { extra?: string; env?: Record<string, string> } = {},
) {
  const server = await startHostileClassicApi(fetch);
  const caseDirectory = mkdtempSync(join(directory, 'case-'));
  const config = join(caseDirectory, 'posturesync.config.yaml');
  const database = join(caseDirectory, 'posturesync.db');
  reportConfig(config, server.url, options.extra);
  copyDatabase(seedPath, database);
  try {
    const exit = await spawnWatched(
      process.execPath,
      [cliBin, '--json', 'sync', '--config', config, '--db', database],
      environment(options.env),
    ).exited;
    return { exit, database, fetches: server.fetches };
  } finally {
    await server.close();
  }
}

/** The faulty run failed with `code`, closed nothing, lost nothing, leaked no secret. */
function expectFailedSafely(result: { exit: WatchedExit; database: string }, code: string, message: string) {
  const { exit } = result;
  expect(exit.code, exit.stderr).toBe(exitCodes.failed);
  const document = JSON.parse(exit.stdout) as {
    runs: Array<{ error: { code: string; message: string } | null }>;
  };
  expect(document.runs[0]?.error?.code).toBe(code);
  expect(document.runs[0]?.error?.message).toContain(message);
  const store = SqliteStore.open(result.database, { readonly: true });
  const seed = SqliteStore.open(seedPath, { readonly: true });
  try {
    expectConsistent(store, 'after the hostile run');
    const run = store.history({ instance, limit: 1 })[0];
    expect(run).toMatchObject({ outcome: 'failed', errorCode: code, closed: 0 });
    expect(snapshotDifferences(entitySnapshot(store), entitySnapshot(seed))).toEqual([]);
    expect(store.lockHolder()).toBeNull();
  } finally {
    store.close();
    seed.close();
  }
  expectNoSecrets('the hostile run output', `${exit.stdout}\n${exit.stderr}`);
}

beforeAll(async () => {
  // The seed: a clean import of a real (simulated) report into the same instance and network.
  const estate = createEstate(seedEstateOptions);
  const simulator = await startQualysSimulator({
    estate,
    credentials: { ...suiteCredentials },
    pcrsRateLimit: false,
    classicRateLimit: false,
    reports: reportsWithNewerOne(estate, 'xml'),
  });
  try {
    const config = join(directory, 'seed.config.yaml');
    reportConfig(config, simulator.url);
    const seeded = await spawnWatched(
      process.execPath,
      [cliBin, '--json', 'sync', '--config', config, '--db', seedPath],
      environment(),
    ).exited;
    expect(seeded.code, seeded.stderr).toBe(exitCodes.success);
    baselineRss = seeded.peakRssBytes;
    expect(baselineRss).toBeGreaterThan(0);
  } finally {
    await simulator.close();
  }
}, 60_000);

afterAll(() => rmSync(directory, { recursive: true, force: true }));

const caseNamed = (name: string) => {
  const found = hostileCases.find((hostileCase) => hostileCase.name.startsWith(name));
  if (!found) throw new Error(`no hostile case ${name}`);
  return `issue 13: ${found.name}`;
};

describe('issue 13: hostile servers, bombs and supervisors', () => {
  it(caseNamed('an error envelope that never ends'), async () => {
    const result = await syncAgainst((response) =>
      streamBody(response, {
        head: '<?xml version="1.0"?>\n<SIMPLE_RETURN><RESPONSE><TEXT>',
        fill: Buffer.alloc(MiB, 'x'),
        totalBytes: 300 * MiB,
      }),
    );
    expectFailedSafely(
      result,
      'PS_ERR_BAD_RESPONSE',
      'starts like a Qualys error message but is larger than 1048576 bytes',
    );
    expectBoundedMemory(result.exit);
  });

  it(caseNamed('a 2 MB zip bomb'), async () => {
    const bomb = buildZipBomb({ prefix: xmlHead });
    expect(bomb.length).toBeLessThan(3 * MiB);
    const result = await syncAgainst((response) => {
      response.writeHead(200, { 'content-type': 'application/zip' }).end(bomb);
    });
    expectFailedSafely(result, 'PS_ERR_BAD_RESPONSE', 'looks like a zip bomb');
    expectBoundedMemory(result.exit);
  });

  it(caseNamed('a 300 MiB text node'), async () => {
    const result = await syncAgainst((response) =>
      streamBody(response, {
        head: xmlHead,
        fill: Buffer.alloc(MiB, 'x'),
        totalBytes: 300 * MiB,
        tail: '</IP></HOST></HOST_LIST></RESULTS></POLICY_REPORT>',
      }),
    );
    expectFailedSafely(result, 'PS_ERR_BAD_RESPONSE', 'runs past 16777216 characters');
    expectBoundedMemory(result.exit);
  });

  it(caseNamed('a report body dripping past the response deadline'), async () => {
    const result = await syncAgainst(
      (response) => {
        response.writeHead(200, { 'content-type': 'text/xml' });
        response.write(xmlHead);
        const timer = setInterval(() => response.write('x'), 100);
        response.on('close', () => clearInterval(timer));
      },
      { extra: '    maxResponseMinutes: 0.02\n    readTimeoutSeconds: 5' },
    );
    expectFailedSafely(result, 'PS_ERR_TRANSIENT', 'did not finish within');
    expect(result.exit.durationMs).toBeLessThan(30_000);
  });

  it(caseNamed('a zip spool left by a killed sync'), async () => {
    const spoolRoot = join(directory, 'tmp');
    mkdirSync(spoolRoot, { recursive: true });
    const server = await startHostileClassicApi((response, attempt) => {
      if (attempt === 1) {
        // A zip that starts and then stalls: the spool file exists while the sync waits.
        response.writeHead(200, { 'content-type': 'application/zip' });
        response.write(buildZipBomb({ inflatedBytes: 64 * MiB }).subarray(0, 64 * 1024));
      } else {
        response.writeHead(200, { 'content-type': 'application/zip' }).end(buildZipBomb());
      }
    });
    const caseDirectory = mkdtempSync(join(directory, 'case-'));
    const config = join(caseDirectory, 'posturesync.config.yaml');
    const database = join(caseDirectory, 'posturesync.db');
    reportConfig(config, server.url);
    copyDatabase(seedPath, database);
    const args = [cliBin, '--json', 'sync', '--config', config, '--db', database];
    try {
      const killed = spawnWatched(process.execPath, args, environment({ TMPDIR: spoolRoot }));
      const spools = () => readdirSync(spoolRoot).filter((name) => name.startsWith('posturesync-report-'));
      for (let waited = 0; spools().length === 0 && waited < 20_000; waited += 50) await delay(50);
      expect(spools()).toHaveLength(1);
      const stale = spools()[0] as string;
      process.kill(killed.pid, 'SIGKILL');
      await killed.exited;
      expect(existsSync(join(spoolRoot, stale))).toBe(true);
      const next = await spawnWatched(process.execPath, args, environment({ TMPDIR: spoolRoot })).exited;
      expect(next.code, next.stderr).toBe(exitCodes.failed);
      expect(existsSync(join(spoolRoot, stale))).toBe(false);
      expect(spools()).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it(caseNamed('SIGTERM to the PID of node_modules/.bin/posturesync'), async () => {
    const estate = createEstate(seedEstateOptions);
    const simulator = await startQualysSimulator({
      estate,
      credentials: { ...suiteCredentials },
      pcrsRateLimit: false,
      classicRateLimit: false,
      latencyMs: 60,
    });
    const caseDirectory = mkdtempSync(join(directory, 'case-'));
    const config = join(caseDirectory, 'posturesync.config.yaml');
    const database = join(caseDirectory, 'posturesync.db');
    writeFileSync(
      config,
      [
        'connectors:',
        '  - name: pcrs-supervised',
        '    type: qualys-pcrs',
        `    gatewayUrl: ${simulator.url}`,
        `    username: ${suiteCredentials.username}`,
        '    rateLimit: false',
        '    batchSize: 2',
        '    parallelRequests: 1',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    // The documented way to run it under a supervisor (packages/cli/README.md, "Running under a
    // supervisor"): the pnpm bin shim, which execs our launcher, which execs Node.
    const documentedBin = fileURLToPath(new URL('../../../node_modules/.bin/posturesync', import.meta.url));
    simulator.state.setFaults([
      {
        endpoint: 'postureInfo',
        kind: 'slow',
        delayMs: 1_500,
        afterCalls: 1,
        times: Number.POSITIVE_INFINITY,
      },
    ]);
    try {
      const supervised = spawnWatched(
        documentedBin,
        ['--json', 'sync', '--config', config, '--db', database],
        environment(),
      );
      expect(await supervised.waitForLog('sync started')).toBe(true);
      await delay(1_000);
      process.kill(supervised.pid, 'SIGTERM');
      const exit = await supervised.exited;
      expect(exit.code, exit.stderr).toBe(exitCodes.cancelled);
      const store = SqliteStore.open(database, { readonly: true });
      try {
        const run = store.history({ instance: 'pcrs-supervised', limit: 1 })[0];
        expect(run).toMatchObject({ outcome: 'cancelled', errorCode: 'PS_ERR_CANCELLED' });
        expect(store.lockHolder()).toBeNull();
      } finally {
        store.close();
      }
      // No process is left running the sync of this database (an orphan would hold the lock).
      await delay(200);
      const orphans = readdirSync('/proc')
        .filter((name) => /^\d+$/.test(name))
        .filter((pid) => {
          try {
            return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(database);
          } catch {
            return false;
          }
        });
      expect(orphans).toEqual([]);
    } finally {
      await simulator.close();
    }
  });
});
