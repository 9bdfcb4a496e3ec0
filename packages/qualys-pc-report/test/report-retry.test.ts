import {
  BadResponseError,
  CancelledError,
  type LogRecord,
  type RecordBatch,
  TransientError,
} from '@posturesync/core';
import {
  createEstate,
  type FaultRule,
  type RunningSimulator,
  type SimReportSpec,
} from '@posturesync/qualys-simulator';
import { afterEach, describe, expect, it } from 'vitest';
import type { QualysPcReportConfigInput } from '../src/index.ts';
import { harness, type ReadResult, readAll, startSimulator } from './support.ts';

/** Big enough that a body cut after 16 KiB has already yielded several batches. */
const retryEstate = { seed: 11, hosts: 24, policies: 1, controlsPerPolicy: 8 } as const;
const policyId = createEstate(retryEstate).policies()[0]?.id ?? '';
const batchSize = 20;

let simulator: RunningSimulator | undefined;
afterEach(async () => {
  await simulator?.close();
  simulator = undefined;
});

const variants: Record<string, Partial<SimReportSpec>> = {
  csv: { format: 'csv' },
  xml: { format: 'xml' },
  zip: { format: 'xml', zipped: true },
};

async function serve(variant: keyof typeof variants, faults: FaultRule[] = []): Promise<RunningSimulator> {
  simulator = await startSimulator({
    estate: retryEstate,
    reports: [{ id: '1', title: 'PC-Weekly', policyId, ...variants[variant] }],
    faults,
  });
  return simulator;
}

interface Outcome {
  result: ReadResult | null;
  error: unknown;
  batches: RecordBatch[];
  logs: LogRecord[];
  sleeps: number[];
  retries: number;
  fetches: number;
}

/** Reads the report once, keeping what was yielded even when the read fails. */
async function read(
  running: RunningSimulator,
  config: Partial<QualysPcReportConfigInput> = {},
  signal?: AbortSignal,
  sleep?: (ms: number) => Promise<void>,
): Promise<Outcome> {
  const run = harness(running, config, { batchSize, random: () => 0.5, ...(sleep ? { sleep } : {}) }, signal);
  const batches: RecordBatch[] = [];
  let error: unknown = null;
  let result: ReadResult | null = null;
  try {
    result = await readAll({
      ...run.connector,
      read: (request) =>
        (async function* () {
          for await (const batch of run.connector.read(request)) {
            batches.push(batch);
            yield batch;
          }
        })(),
    });
  } catch (caught) {
    error = caught;
  } finally {
    await run.connector.close();
  }
  return {
    result,
    error,
    batches,
    logs: run.logs,
    sleeps: run.sleeps,
    retries: run.context.metrics.retries,
    fetches: running.state.stats.requests.reportFetch ?? 0,
  };
}

const cleanCache = new Map<string, Promise<ReadResult>>();

/** What a read without faults yields for the same report. */
function clean(variant: keyof typeof variants): Promise<ReadResult> {
  let cached = cleanCache.get(variant);
  if (!cached) {
    cached = (async () => {
      const running = await serve(variant);
      try {
        const outcome = await read(running);
        if (!outcome.result) throw outcome.error;
        return outcome.result;
      } finally {
        await running.close();
        simulator = undefined;
      }
    })();
    cleanCache.set(variant, cached);
  }
  return cached;
}

const byUid = <T extends { uid: string }>(rows: readonly T[]) =>
  [...rows].sort((a, b) => a.uid.localeCompare(b.uid));

function retryWarnings(logs: readonly LogRecord[]): LogRecord[] {
  return logs.filter(
    (record) => record.level === 'warn' && /^Policy report 1: attempt \d+ of \d+ failed/.test(record.message),
  );
}

/** The read rode the fault out: exactly the clean rows, one completion claim, one retry warning. */
async function expectCleanAfterOneRetry(variant: keyof typeof variants, outcome: Outcome, reason: RegExp) {
  const reference = await clean(variant);
  expect(outcome.error).toBeNull();
  const result = outcome.result as ReadResult;
  expect(byUid(result.hosts)).toEqual(byUid(reference.hosts));
  expect(byUid(result.definitions)).toEqual(byUid(reference.definitions));
  expect(byUid(result.violations)).toEqual(byUid(reference.violations));
  // Only the last batch claims the report (checkpoint) and closes (completed scopes), once.
  const claiming = outcome.batches.filter((batch) => batch.checkpoint || batch.completedScopes);
  expect(claiming).toEqual([outcome.batches.at(-1)]);
  expect(claiming[0]?.completedScopes).toEqual(reference.batches.at(-1)?.completedScopes);
  expect(claiming[0]?.checkpoint).toEqual({
    lastImportedReportId: '1',
    lastImportedLaunchDatetime: expect.any(String),
  });
  expect(outcome.batches.flatMap((batch) => batch.rejects ?? [])).toEqual([]);
  const warnings = retryWarnings(outcome.logs);
  expect(warnings).toHaveLength(1);
  expect(warnings[0]?.message).toMatch(/^Policy report 1: attempt 1 of 3 failed/);
  expect(warnings[0]?.message).toMatch(reason);
  expect(warnings[0]).toMatchObject({ reportId: '1', attempt: 1, maxAttempts: 3 });
  expect(outcome.retries).toBe(1);
  expect(outcome.fetches).toBe(2);
}

describe('issue 6: a broken report download is retried within the run', () => {
  it.each(['csv', 'xml'] as const)(
    'issue 6: a %s report reset mid-body once is fetched again and yields exactly the clean rows',
    async (variant) => {
      const outcome = await read(await serve(variant, [{ endpoint: 'reportFetch', kind: 'resetMidBody' }]));
      await expectCleanAfterOneRetry(variant, outcome, /interrupted/);
      // The first attempt broke off after some batches were passed on (and would be stored).
      expect(outcome.batches.length).toBeGreaterThan((await clean(variant)).batches.length);
      const firstWarning = retryWarnings(outcome.logs)[0];
      expect(firstWarning?.position).toMatch(/^line \d+/);
    },
  );

  it.each(['csv', 'xml', 'zip'] as const)(
    'issue 6: a truncated %s report once is fetched again and succeeds',
    async (variant) => {
      const outcome = await read(await serve(variant, [{ endpoint: 'reportFetch', kind: 'truncatedGzip' }]));
      await expectCleanAfterOneRetry(variant, outcome, /not well-formed XML|not valid CSV|zip|truncated/);
    },
  );

  it.each(['csv', 'xml'] as const)(
    'issue 6: a malformed %s report once is fetched again and succeeds',
    async (variant) => {
      const outcome = await read(await serve(variant, [{ endpoint: 'reportFetch', kind: 'malformedXml' }]));
      await expectCleanAfterOneRetry(variant, outcome, /at (CSV )?line \d+/);
    },
  );

  it('issue 6: an HTTP 200 carrying a SIMPLE_RETURN error once is fetched again and succeeds', async () => {
    const outcome = await read(await serve('csv', [{ endpoint: 'reportFetch', kind: 'errorBody200' }]));
    await expectCleanAfterOneRetry('csv', outcome, /code 999/);
  });

  it.each([
    [
      'xml',
      {},
      3,
      /^Policy report 1 is not well-formed XML at line \d+, column \d+: .*failed after 3 attempts\./,
    ],
    [
      'csv',
      { maxReportAttempts: 2 },
      2,
      /^Policy report 1 is not valid CSV at CSV line \d+: .*failed after 2 attempts\./,
    ],
  ] as const)(
    'issue 6: a %s report malformed on every fetch fails after maxReportAttempts with a clear error and claims nothing',
    async (variant, config, attempts, message) => {
      const running = await serve(variant, [
        { endpoint: 'reportFetch', kind: 'malformedXml', times: Number.POSITIVE_INFINITY },
      ]);
      const outcome = await read(running, config);
      expect(outcome.error).toBeInstanceOf(BadResponseError);
      const error = outcome.error as BadResponseError;
      expect(error.message).toMatch(message);
      expect(error.details).toMatchObject({ reportId: '1', attempts, line: expect.any(Number) });
      expect(outcome.fetches).toBe(attempts);
      expect(retryWarnings(outcome.logs)).toHaveLength(attempts - 1);
      // The simulator breaks the first result, so no attempt got as far as a batch; none claimed anything.
      expect(outcome.batches.some((batch) => batch.checkpoint || batch.completedScopes)).toBe(false);
      // withRetry's back-off between attempts (random 0.5: half of 1 s, then half of 2 s).
      expect(outcome.sleeps).toEqual([500, 1000].slice(0, attempts - 1));
    },
  );

  it('issue 6: an HTTP 200 error body on every fetch fails after 3 attempts with the Qualys code', async () => {
    const running = await serve('csv', [
      { endpoint: 'reportFetch', kind: 'errorBody200', times: Number.POSITIVE_INFINITY },
    ]);
    const outcome = await read(running);
    expect(outcome.error).toBeInstanceOf(BadResponseError);
    const error = outcome.error as BadResponseError;
    expect(error.message).toMatch(
      /^Policy report 1 fetch: Qualys answered HTTP 200, code 999: .*failed after 3 attempts\./,
    );
    expect(error.details).toMatchObject({ qualysCode: '999', reportId: '1', attempts: 3 });
    expect(outcome.batches).toEqual([]);
    expect(outcome.fetches).toBe(3);
  });

  it('issue 6: resets on every fetch fail with a transient error naming the report, position and attempts', async () => {
    const running = await serve('xml', [
      { endpoint: 'reportFetch', kind: 'resetMidBody', times: Number.POSITIVE_INFINITY },
    ]);
    const outcome = await read(running);
    expect(outcome.error).toBeInstanceOf(TransientError);
    expect((outcome.error as Error).message).toMatch(
      /Policy report 1 fetch: the response body was interrupted .*failed after 3 attempts; the last attempt stopped after line \d+, column \d+\./,
    );
    expect(outcome.batches.some((batch) => batch.checkpoint || batch.completedScopes)).toBe(false);
    expect(outcome.fetches).toBe(3);
  });

  it('issue 6: a session dropped before the fetch and a reset mid-body are both ridden out', async () => {
    const running = await serve('csv', [
      // The first fetch finds its session gone (401, logged in again); the refetched body breaks off.
      { endpoint: 'reportFetch', kind: 'expireToken' },
      { endpoint: 'reportFetch', kind: 'resetMidBody', afterCalls: 1 },
    ]);
    const outcome = await read(running);
    expect(outcome.error).toBeNull();
    const reference = await clean('csv');
    expect(byUid((outcome.result as ReadResult).violations)).toEqual(byUid(reference.violations));
    expect(running.state.stats.requests.session).toBe(3); // login, login again after the 401, logout
    expect(outcome.fetches).toBe(3);
    expect(retryWarnings(outcome.logs)).toHaveLength(1);
  });

  it('issue 6: a garbled report list once is asked for again', async () => {
    const running = await serve('csv', [{ endpoint: 'reportList', kind: 'malformedXml' }]);
    const outcome = await read(running);
    expect(outcome.error).toBeNull();
    expect(outcome.result?.violations).toHaveLength((await clean('csv')).violations.length);
    expect(running.state.stats.requests.reportList).toBe(2);
    expect(
      outcome.logs.some((record) => /^Qualys report list: attempt 1 of 3 failed/.test(record.message)),
    ).toBe(true);
  });

  it('issue 6: Ctrl-C during the back-off stops without another attempt', async () => {
    const controller = new AbortController();
    const running = await serve('csv', [
      { endpoint: 'reportFetch', kind: 'resetMidBody', times: Number.POSITIVE_INFINITY },
    ]);
    const outcome = await read(running, {}, controller.signal, async () => {
      controller.abort();
    });
    expect(outcome.error).toBeInstanceOf(CancelledError);
    expect(outcome.fetches).toBe(1);
    expect(outcome.batches.some((batch) => batch.checkpoint)).toBe(false);
  });
});
