import type { RecordBatch } from '@posturesync/core';
import {
  CancelledError,
  createLogger,
  LockHeldError,
  type LogRecord,
  SecretRedactor,
  TransientError,
} from '@posturesync/core';
import { makeViolation } from '@posturesync/core/testing';
import type { SyncEvent } from '@posturesync/engine';
import { checkConnector, configFingerprint, runSync } from '@posturesync/engine';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/sqlite-store.ts';
import { buildEstate, createFakeDefinition, type FakeConfig } from './test-support/fake-connector.ts';
import { databaseText, dataSnapshot } from './test-support/snapshot.ts';

const secret = 'hunter2-very-secret';
const config: FakeConfig = { url: 'https://source.example.test', password: secret, pageSize: 10 };
const estate = { policies: 2, hosts: 5, controls: 3, hostsPerBatch: 2 } as const;
// 2 policies x (1 definitions batch + 3 host batches) = 8 batches; 30 violations, 5 hosts.
const v0 = buildEstate({ ...estate, variant: 0 });
const v1 = buildEstate({ ...estate, variant: 1 });

let store: SqliteStore;
let logs: LogRecord[];
let redactor: SecretRedactor;

beforeEach(() => {
  store = SqliteStore.open(':memory:');
  logs = [];
  redactor = new SecretRedactor();
});
afterEach(() => store.close());

function options(definition: ReturnType<typeof createFakeDefinition>, extra: Record<string, unknown> = {}) {
  return {
    store,
    definition,
    instance: 'pcrs-eu',
    config,
    logger: createLogger({ level: 'debug', redactor, sink: (record) => logs.push(record) }),
    redactor,
    signal: new AbortController().signal,
    ...extra,
  };
}

/** The rows a clean, uninterrupted history produces: optional v0 sync, then the given batches. */
async function cleanSnapshot(batches: readonly RecordBatch[], seed?: readonly RecordBatch[]) {
  const clean = SqliteStore.open(':memory:');
  try {
    const base = {
      instance: 'pcrs-eu',
      config,
      logger: createLogger({ redactor, sink: () => {} }),
      redactor,
    };
    const signal = new AbortController().signal;
    if (seed)
      await runSync({ ...base, store: clean, signal, definition: createFakeDefinition({ batches: seed }) });
    await runSync({
      ...base,
      store: clean,
      signal,
      definition: createFakeDefinition({ batches }),
      full: true,
    });
    return dataSnapshot(clean);
  } finally {
    clean.close();
  }
}

function count(table: string): number {
  return (store.database.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
}

describe('issue 6: sync engine', () => {
  it('happy path: writes every record, records the run, stores the final checkpoint', async () => {
    const definition = createFakeDefinition({ batches: v0 });
    const events: SyncEvent[] = [];
    const summary = await runSync(options(definition, { onEvent: (event: SyncEvent) => events.push(event) }));

    expect(summary).toMatchObject({
      outcome: 'succeeded',
      resumed: false,
      resumedFromRunId: null,
      generation: summary.runId,
      counts: { hosts: 10, policies: 2, definitions: 6, violations: 30 },
      batches: 8,
      quarantined: 0,
      closed: 0,
      warningCount: 0,
      metrics: { requests: 8, bytesReceived: 800 },
    });
    expect(count('hosts')).toBe(5);
    expect(count('violations')).toBe(30);
    expect(count('host_tags')).toBe(5);
    const run = store.getRun(summary.runId)!;
    expect(run).toMatchObject({
      outcome: 'succeeded',
      connectorId: 'fake',
      configFingerprint: configFingerprint(config, definition.secrets),
      counts: summary.counts,
      batches: 8,
      metrics: { requests: 8, bytesReceived: 800 },
      errorCode: null,
    });
    expect(run.finishedAt).not.toBeNull();
    expect(store.getState('pcrs-eu')).toEqual({
      generation: summary.runId,
      inProgress: false,
      runId: summary.runId,
      connector: { next: 8 },
      pendingScopes: [],
      warningCount: 0,
      tainted: { all: false, policies: [] },
      deferredScopes: [],
    });
    expect(store.lockHolder()).toBeNull();
    expect(definition.stats).toMatchObject({ created: 1, closed: 1 });
    expect(definition.requests[0]).toMatchObject({ state: null, full: false, force: false });

    expect(events[0]).toMatchObject({ type: 'start', runId: summary.runId, resumed: false });
    expect(events.filter((event) => event.type === 'batch')).toHaveLength(8);
    const lastProgress = events.filter((event) => event.type === 'progress').at(-1);
    expect(lastProgress).toMatchObject({ done: 8, total: 8, etaMs: 0 });
    expect(events.at(-1)).toEqual({ type: 'finished', summary });
  });

  it('issue 15: says what kind of run it was: first, then incremental (a stored state), then full on request', async () => {
    const events: SyncEvent[] = [];
    const onEvent = (event: SyncEvent) => events.push(event);
    const first = await runSync(options(createFakeDefinition({ batches: v0 }), { onEvent }));
    expect(first.mode).toBe('first');
    expect(events[0]).toMatchObject({ type: 'start', mode: 'first' });
    const incremental = await runSync(options(createFakeDefinition({ batches: v0 })));
    expect(incremental).toMatchObject({ resumed: false, mode: 'incremental' });
    const full = await runSync(options(createFakeDefinition({ batches: v0 }), { full: true }));
    expect(full).toMatchObject({ resumed: false, mode: 'full' });
  });

  it('quarantines an invalid record with position and reason, goes on, and ends partial', async () => {
    const bad = { ...makeViolation('h1', '1', '1', 'failed'), firstFailed: 'last tuesday' };
    const batches: RecordBatch[] = v0.map((batch, index) =>
      index === 1
        ? {
            ...batch,
            violations: [...(batch.violations ?? []), bad],
            rejects: [
              { entity: 'hosts', position: 'hostids record 4', reason: 'hostId missing', raw: { x: 1 } },
            ],
          }
        : batch,
    );
    const summary = await runSync(options(createFakeDefinition({ batches })));
    expect(summary.outcome).toBe('partial');
    expect(summary.quarantined).toBe(2);
    expect(summary.warningCount).toBe(2);
    expect(summary.counts.violations).toBe(30);
    expect(count('violations')).toBe(30);
    const rows = store.quarantined({ runId: summary.runId });
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      entity: 'violations',
      position: 'postureInfo policy 1 hosts 1-2 violations[6] uid h1:1:1',
      raw: bad,
    });
    expect(rows[0]!.reason).toMatch(/^firstFailed: /);
    expect(rows[1]).toMatchObject({
      entity: 'hosts',
      position: 'hostids record 4',
      reason: 'hostId missing',
    });
    expect(store.getRun(summary.runId)!.warnings[0]).toContain(
      'quarantined violations at postureInfo policy 1',
    );
  });

  it('a connector failing on batch 3 fails the run, keeps batches 1-2 and their checkpoint, and the next run resumes to the clean result', async () => {
    await runSync(options(createFakeDefinition({ batches: v0 })));
    const before = dataSnapshot(store);

    const failing = createFakeDefinition({ batches: v1, failAt: { index: 2 } });
    const failure = runSync(options(failing, { full: true }));
    await expect(failure).rejects.toBeInstanceOf(TransientError);
    expect(failing.stats.closed).toBe(1);
    const failed = store.history({ limit: 1 })[0]!;
    expect(failed).toMatchObject({ outcome: 'failed', errorCode: 'PS_ERR_TRANSIENT', batches: 2 });
    expect(failed.errorMessage).toContain('connection reset while reading batch 2');
    expect(store.getState('pcrs-eu')).toMatchObject({
      generation: failed.id,
      inProgress: true,
      runId: failed.id,
      connector: { next: 2 },
    });
    // Batches 1-2 (policy 1 and hosts 1-2) carry v1 data; batch 3 (hosts 3-4) does not; nothing lost or closed.
    const after = dataSnapshot(store);
    expect(after.violations).toHaveLength(before.violations!.length);
    expect(
      store.database
        .prepare('SELECT COUNT(*) AS n FROM violations WHERE last_seen_run_id = ?')
        .get(failed.id),
    ).toEqual({ n: 6 });
    expect(
      store.database.prepare('SELECT COUNT(*) AS n FROM violations WHERE closed_at IS NOT NULL').get(),
    ).toEqual({
      n: 0,
    });
    expect(after.hosts).toEqual(before.hosts);

    const resumed = await runSync(options(createFakeDefinition({ batches: v1 })));
    expect(resumed).toMatchObject({
      outcome: 'succeeded',
      resumed: true,
      resumedFromRunId: failed.id,
      generation: failed.id,
      batches: 4,
      mode: 'resumed',
    });
    // Variant 1 drops one host from each policy: 3 findings per policy were closed.
    expect(resumed.closed).toBe(6);
    expect(logs.some((log) => log.message === `resuming run ${failed.id} from its last checkpoint`)).toBe(
      true,
    );
    expect(dataSnapshot(store)).toEqual(await cleanSnapshot(v1, v0));
  });

  it('never closes anything on a failed, cancelled or partial run', async () => {
    await runSync(options(createFakeDefinition({ batches: v0 })));
    // Failing on the very last batch: every scope but the last completed, still nothing closes.
    await expect(
      runSync(
        options(createFakeDefinition({ batches: v1, failAt: { index: v1.length - 1 } }), { full: true }),
      ),
    ).rejects.toThrow();
    expect(count('violations WHERE closed_at IS NOT NULL')).toBe(0);
    expect(store.getState('pcrs-eu')!.pendingScopes).toEqual([{ policyUid: '1' }]);

    const controller = new AbortController();
    const cancelling = createFakeDefinition({ batches: v1, beforeYield: () => controller.abort() });
    await expect(
      runSync(options(cancelling, { signal: controller.signal, full: true })),
    ).rejects.toBeInstanceOf(CancelledError);
    expect(count('violations WHERE closed_at IS NOT NULL')).toBe(0);

    // A partial finish of the same generation: warnings mean unseen findings stay open.
    const warning = createFakeDefinition({
      batches: v1.map((batch) => ({ ...batch, warnings: ['policy 2 slow'] })),
    });
    const partial = await runSync(options(warning));
    expect(partial).toMatchObject({ outcome: 'partial', resumed: true, closed: 0 });
    expect(count('violations WHERE closed_at IS NOT NULL')).toBe(0);
    expect(store.getState('pcrs-eu')).toMatchObject({
      inProgress: false,
      pendingScopes: [],
      warningCount: 0,
    });

    // The next clean, complete generation closes them.
    const clean = await runSync(options(createFakeDefinition({ batches: v1 }), { full: true }));
    expect(clean).toMatchObject({ outcome: 'succeeded', resumed: false, closed: 6 });
  });

  it('issue 6: complete scopes of a partial run are closed by the next clean run, even one that refetches nothing', async () => {
    await runSync(options(createFakeDefinition({ batches: v0 })));
    // v1 drops the last host of every policy; policy 2 also carries a warning, so the run is partial.
    const partialBatches = v1.map((batch) =>
      batch.position.includes('policy 2')
        ? { ...batch, warnings: ['policy 2: hostids answered late'] }
        : batch,
    );
    const partial = await runSync(options(createFakeDefinition({ batches: partialBatches }), { full: true }));
    expect(partial).toMatchObject({ outcome: 'partial', closed: 0 });
    expect(count('violations WHERE closed_at IS NOT NULL')).toBe(0);
    expect(store.getState('pcrs-eu')!.deferredScopes).toEqual([
      { generation: partial.generation, scope: { policyUid: '1' } },
      { generation: partial.generation, scope: { policyUid: '2' } },
    ]);

    // An incremental run with nothing new (as PCRS after its watermark moved) closes them now.
    const quiet = await runSync(options(createFakeDefinition({ batches: [] })));
    expect(quiet).toMatchObject({ outcome: 'succeeded', closed: 6 });
    expect(count("violations WHERE closed_at IS NOT NULL AND host_uid = '1000000000005'")).toBe(6);
    expect(store.getState('pcrs-eu')!.deferredScopes).toEqual([]);
  });

  it('issue 6: repeated partial runs keep one deferred entry per scope, the newest generation', async () => {
    await runSync(options(createFakeDefinition({ batches: v0 })));
    const partialBatches = v1.map((batch) =>
      batch.position.includes('policy 2')
        ? { ...batch, warnings: ['policy 2: hostids answered late'] }
        : batch,
    );
    await runSync(options(createFakeDefinition({ batches: partialBatches }), { full: true }));
    const second = await runSync(options(createFakeDefinition({ batches: partialBatches }), { full: true }));
    expect(second.outcome).toBe('partial');
    expect(store.getState('pcrs-eu')!.deferredScopes).toEqual([
      { generation: second.generation, scope: { policyUid: '1' } },
      { generation: second.generation, scope: { policyUid: '2' } },
    ]);
    const quiet = await runSync(options(createFakeDefinition({ batches: [] })));
    expect(quiet).toMatchObject({ outcome: 'succeeded', closed: 6 });
  });

  it('issue 6: a scope whose violation was quarantined is never closed from that generation', async () => {
    await runSync(options(createFakeDefinition({ batches: v0 })));
    const broken = makeViolation('1000000000001', '1', '1', 'failed');
    const withInvalid = v1.map((batch, index) =>
      index === 1
        ? { ...batch, violations: [...(batch.violations ?? []), { ...broken, status: 'bogus' }] }
        : batch,
    ) as RecordBatch[];
    const partial = await runSync(options(createFakeDefinition({ batches: withInvalid }), { full: true }));
    expect(partial).toMatchObject({ outcome: 'partial', quarantined: 1 });
    expect(store.getState('pcrs-eu')!.deferredScopes).toEqual([
      { generation: partial.generation, scope: { policyUid: '2' } },
    ]);
    const quiet = await runSync(options(createFakeDefinition({ batches: [] })));
    // Only policy 2's dropped host is closed; policy 1 keeps its unseen findings open.
    expect(quiet.closed).toBe(3);
    expect(count("violations WHERE closed_at IS NOT NULL AND policy_uid = '1'")).toBe(0);
  });

  it('a resumed run of a generation that quarantined records ends partial and closes nothing', async () => {
    await runSync(options(createFakeDefinition({ batches: v0 })));
    const withReject = v1.map((batch, index) =>
      index === 0
        ? { ...batch, rejects: [{ entity: 'violations' as const, position: 'p', reason: 'r', raw: {} }] }
        : batch,
    );
    await expect(
      runSync(options(createFakeDefinition({ batches: withReject, failAt: { index: 3 } }), { full: true })),
    ).rejects.toThrow();
    const resumed = await runSync(options(createFakeDefinition({ batches: withReject })));
    expect(resumed).toMatchObject({ resumed: true, quarantined: 0, outcome: 'partial', closed: 0 });
  });

  it('abort signal: stops after the current batch commits, records cancelled, and the next run resumes', async () => {
    const controller = new AbortController();
    const definition = createFakeDefinition({
      batches: v0,
      beforeYield: (index) => {
        if (index === 3) controller.abort();
      },
    });
    const error = await runSync(options(definition, { signal: controller.signal })).catch((caught) => caught);
    expect(error).toBeInstanceOf(CancelledError);
    expect(definition.stats.closed).toBe(1);
    const run = store.history({ limit: 1 })[0]!;
    expect(run).toMatchObject({ outcome: 'cancelled', errorCode: 'PS_ERR_CANCELLED', batches: 4 });
    expect(store.getState('pcrs-eu')).toMatchObject({ inProgress: true, connector: { next: 4 } });
    expect(store.lockHolder()).toBeNull();

    const resumed = await runSync(options(createFakeDefinition({ batches: v0 })));
    expect(resumed).toMatchObject({ resumed: true, generation: run.id, batches: 4, outcome: 'succeeded' });
    expect(dataSnapshot(store)).toEqual(await cleanSnapshot(v0));
  });

  it('an already aborted signal never starts a run', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      runSync(options(createFakeDefinition({ batches: v0 }), { signal: controller.signal })),
    ).rejects.toThrow(CancelledError);
    expect(store.history()).toEqual([]);
  });

  it("a run left 'running' by a dead process is marked failed, and the next run resumes it", async () => {
    const definition = createFakeDefinition({ batches: v0 });
    const dead = store.createRun({
      instance: 'pcrs-eu',
      connectorId: 'fake',
      configFingerprint: configFingerprint(config, definition.secrets),
      generation: null,
      resumedFromRunId: null,
      full: false,
      startedAt: '2024-06-01T00:00:00.000Z',
    });
    store.putState('pcrs-eu', 'fake', {
      generation: dead.generation,
      inProgress: true,
      runId: dead.id,
      connector: { next: 5 },
      pendingScopes: [],
      warningCount: 0,
    });
    const summary = await runSync(options(definition));
    expect(store.getRun(dead.id)).toMatchObject({
      outcome: 'failed',
      errorCode: 'PS_ERR_PROCESS_DIED',
      errorMessage: expect.stringContaining('process died'),
    });
    expect(summary).toMatchObject({
      resumed: true,
      resumedFromRunId: dead.id,
      generation: dead.id,
      batches: 3,
    });
    expect(definition.requests[0]!.state).toEqual({ next: 5 });
    expect(
      logs.some((log) => log.level === 'warn' && String(log.message).includes('process running them died')),
    ).toBe(true);
  });

  it('starts a new full generation instead of resuming when the config changed', async () => {
    await expect(
      runSync(options(createFakeDefinition({ batches: v0, failAt: { index: 4 } }))),
    ).rejects.toThrow();
    const definition = createFakeDefinition({ batches: v0 });
    const summary = await runSync(options(definition, { config: { ...config, pageSize: 50 } }));
    expect(summary.resumed).toBe(false);
    expect(definition.requests[0]).toMatchObject({ full: true, state: { next: 4 } });
    expect(dataSnapshot(store)).toEqual(await cleanSnapshot(v0));
  });

  it('--full starts a new generation and still passes the state', async () => {
    await runSync(options(createFakeDefinition({ batches: v0 })));
    const definition = createFakeDefinition({ batches: v0 });
    const summary = await runSync(options(definition, { full: true }));
    expect(summary).toMatchObject({ resumed: false, batches: 8, counts: { violations: 30 } });
    expect(summary.generation).toBe(summary.runId);
    expect(definition.requests[0]).toMatchObject({ full: true, state: { next: 8 } });
    expect(store.history({ limit: 1 })[0]!.full).toBe(true);
  });

  it('a second sync while one runs gets LockHeldError and leaves no run behind', async () => {
    const lock = store.acquireLock({ instance: 'report-us' });
    await expect(runSync(options(createFakeDefinition({ batches: v0 })))).rejects.toThrow(LockHeldError);
    expect(store.history()).toEqual([]);
    store.releaseLock(lock);
  });

  it('secrets listed by the connector never reach sync_runs, quarantine or logs', async () => {
    const leaky = v0.map((batch, index) =>
      index === 0
        ? {
            ...batch,
            warnings: [`retrying with password ${secret}`],
            rejects: [
              { entity: 'hosts' as const, position: 'p', reason: `bad ${secret}`, raw: { note: secret } },
            ],
          }
        : batch,
    );
    const definition = createFakeDefinition({
      batches: leaky,
      failAt: { index: 2, error: new TransientError(`auth to ${config.url} with ${secret} failed`) },
    });
    await expect(runSync(options(definition))).rejects.toThrow();
    await runSync(options(definition));
    await checkConnector({
      definition,
      config,
      logger: options(definition).logger,
      redactor,
      signal: new AbortController().signal,
    });
    const text = databaseText(store);
    expect(text).toContain('[REDACTED]');
    expect(text).not.toContain(secret);
    expect(JSON.stringify(logs)).not.toContain(secret);
    expect(configFingerprint(config, definition.secrets)).toBe(
      configFingerprint({ ...config, password: 'another' }, definition.secrets),
    );
  });

  it('checkConnector runs check() and always closes the connector', async () => {
    const definition = createFakeDefinition({ batches: v0 });
    const result = await checkConnector({
      definition,
      config,
      logger: options(definition).logger,
      redactor,
      signal: new AbortController().signal,
    });
    expect(result).toEqual({ ok: true, details: ['8 batches available'] });
    expect(definition.stats).toMatchObject({ created: 1, checked: 1, closed: 1 });
  });
});

describe('issue 13: storage failures', () => {
  it('a full disk fails the run as a store error, and its counts leave out the batch that never committed', async () => {
    const path = `${(await import('node:os')).tmpdir()}/posturesync-full-${process.pid}-${Date.now()}.db`;
    const { rmSync } = await import('node:fs');
    const full = SqliteStore.open(path);
    try {
      const big = (uid: string) =>
        makeViolation('h-1', 'p-1', uid, 'failed', { uid, raw: { padding: 'x'.repeat(64 * 1024) } });
      const small: RecordBatch = {
        stream: 'results',
        position: 'page 1',
        violations: [makeViolation('h-1', 'p-1', 'c-1', 'failed')],
      };
      const huge: RecordBatch = {
        stream: 'results',
        position: 'page 2',
        violations: Array.from({ length: 64 }, (_unused, index) => big(`v-big-${index}`)),
      };
      // Leave room for the run rows and the first batch only: the second batch hits SQLITE_FULL.
      const pages = Number(full.database.pragma('page_count', { simple: true }));
      full.database.pragma(`max_page_count = ${pages + 8}`);
      const error = await runSync({
        ...options(createFakeDefinition({ batches: [small, huge] })),
        store: full,
      }).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'PS_ERR_STORE', details: { sqliteCode: 'SQLITE_FULL' } });
      const run = full.lastRuns()[0];
      expect(run?.outcome).toBe('failed');
      expect(run?.errorCode).toBe('PS_ERR_STORE');
      expect(run?.counts.violations).toBe(1);
      expect(run?.batches).toBe(1);
    } finally {
      full.close();
      rmSync(path, { force: true });
      rmSync(`${path}-wal`, { force: true });
      rmSync(`${path}-shm`, { force: true });
    }
  });

  it('a read-only database is a store error, not an internal one', async () => {
    store.database.pragma('query_only = ON');
    const error = await runSync(options(createFakeDefinition({ batches: v0 }))).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: 'PS_ERR_STORE', details: { sqliteCode: 'SQLITE_READONLY' } });
  });
});

describe('issue 13: credentials inside a URL', () => {
  it('never reach sync_runs.error_message or the logs', async () => {
    const error = new TransientError(
      'could not reach https://api-user:Url-S3cret-pw@gateway.example.test/auth',
    );
    await runSync(options(createFakeDefinition({ batches: v0, failAt: { index: 1, error } }))).catch(
      () => {},
    );
    const run = store.lastRuns()[0];
    expect(run?.errorMessage).toContain('https://[REDACTED]@gateway.example.test/auth');
    expect(databaseText(store)).not.toContain('Url-S3cret-pw');
    expect(JSON.stringify(logs)).not.toContain('Url-S3cret-pw');
  });
});
