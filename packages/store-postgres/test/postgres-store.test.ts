import { LockHeldError, StoreError } from '@posturesync/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestPostgresSchemaVersion, PostgresStore } from '../src/index.ts';
import { type PostgresServer, startPostgresServer } from '../test-support/index.ts';

describe('PostgresStore on a real server', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgresServer();
  });
  afterAll(() => server?.stop());

  const open = (schema: string, extra: Partial<Parameters<typeof PostgresStore.open>[0]> = {}) =>
    PostgresStore.open({ url: `${server.url}?schema=${schema}`, env: server.env, ...extra });

  it('migrates once when two workers open a fresh schema together', async () => {
    const stores = await Promise.all([open('racing'), open('racing'), open('racing')]);
    for (const store of stores) expect(await store.schemaVersion()).toBe(latestPostgresSchemaVersion);
    const client = new pg.Client(server.clientConfig());
    await client.connect();
    const { rows } = await client.query('SELECT version FROM racing.schema_migrations ORDER BY version');
    await client.end();
    expect(rows).toEqual([{ version: 1 }]);
    await Promise.all(stores.map((store) => store.close()));
  });

  it('refuses a schema written by a newer posturesync', async () => {
    const store = await open('newer');
    await store.close();
    const client = new pg.Client(server.clientConfig());
    await client.connect();
    await client.query(
      "INSERT INTO newer.schema_migrations VALUES (99, 'from the future', '2030-01-01T00:00:00.000Z')",
    );
    await client.end();
    await expect(open('newer')).rejects.toThrow(
      /schema at postgresql:\/\/posturesync@127\.0\.0\.1:\d+\/posturesync_test\?schema=newer has version 99/,
    );
    await expect(open('newer', { readonly: true })).rejects.toBeInstanceOf(StoreError);
  });

  it('opens read-only without creating anything, and refuses to write', async () => {
    await expect(open('not_there_yet', { readonly: true })).rejects.toThrow(
      /No posturesync schema at .* yet: run a sync first/,
    );
    await (await open('readable')).close();
    const reader = await open('readable', { readonly: true });
    expect(reader.readonly).toBe(true);
    expect(await reader.lastRuns()).toEqual([]);
    await expect(
      reader.createRun({
        instance: 'a',
        connectorId: 'c',
        configFingerprint: 'f',
        generation: null,
        resumedFromRunId: null,
        full: false,
        startedAt: 'now',
      }),
    ).rejects.toThrow(/read-only/);
    await expect(reader.acquireLock({ instance: 'a' })).rejects.toBeInstanceOf(StoreError);
    await reader.close();
  });

  it('locks per instance: other instances sync at once, a second worker of one instance is refused by name', async () => {
    const first = await open('locks');
    const second = await open('locks');
    const lockA = await first.acquireLock({ instance: 'eu', now: new Date('2024-05-01T00:00:00.000Z') });
    expect(lockA).toMatchObject({ instance: 'eu', pid: process.pid, takenOverFrom: null });
    const lockB = await second.acquireLock({ instance: 'us' });
    const refused = await second.acquireLock({ instance: 'eu' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(LockHeldError);
    expect((refused as LockHeldError).code).toBe('PS_ERR_LOCK_HELD');
    expect((refused as Error).message).toContain(`Another sync of instance "eu" holds its lock`);
    expect((refused as Error).message).toContain(
      `pid ${process.pid} on host ${lockA.hostname}, since 2024-05-01T00:00:00.000Z`,
    );
    expect(await second.lockHolder('eu')).toMatchObject({ pid: process.pid, instance: 'eu' });
    expect(await first.releaseLock(lockA)).toBe(true);
    expect(await first.releaseLock(lockA)).toBe(false);
    expect(await second.lockHolder('eu')).toBeNull();
    const again = await second.acquireLock({ instance: 'eu' });
    expect(again.takenOverFrom).toBeNull();
    await second.releaseLock(again);
    await second.releaseLock(lockB);
    await first.close();
    await second.close();
  });

  it("takes over a dead worker's lock: the lock ends with its connection, its row names it", async () => {
    const worker = await open('dead_worker');
    const lock = await worker.acquireLock({ instance: 'eu' });
    // The worker dies without releasing: the server ends its session (kill -9 closes the socket).
    const admin = new pg.Client(server.clientConfig());
    await admin.connect();
    await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'posturesync lock eu'",
    );
    await admin.end();
    const next = await open('dead_worker');
    let taken: Awaited<ReturnType<PostgresStore['acquireLock']>> | undefined;
    for (let attempt = 0; attempt < 50 && !taken; attempt++) {
      taken = await next.acquireLock({ instance: 'eu' }).catch(async () => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        return undefined;
      });
    }
    expect(taken?.takenOverFrom).toMatchObject({ pid: lock.pid, instance: 'eu', startedAt: lock.startedAt });
    await next.releaseLock(taken as NonNullable<typeof taken>);
    await next.close();
    await worker.close();
  });

  it('refuses to write an instance whose lock connection ended (another worker may hold it now)', async () => {
    const store = await open('lost_lock');
    const lock = await store.acquireLock({ instance: 'eu' });
    const run = await store.createRun({
      instance: 'eu',
      connectorId: 'c',
      configFingerprint: 'f',
      generation: null,
      resumedFromRunId: null,
      full: false,
      startedAt: '2024-05-01T00:00:00.000Z',
    });
    const admin = new pg.Client(server.clientConfig());
    await admin.connect();
    await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'posturesync lock eu'",
    );
    await admin.end();
    const metrics = {
      requests: 0,
      retries: 0,
      rateLimitWaits: 0,
      rateLimitWaitMs: 0,
      throttledWaits: 0,
      throttledWaitMs: 0,
      bytesReceived: 0,
    };
    const failure = await store
      .commitBatch({
        scope: { instance: 'eu', runId: run.id, generation: run.generation, connectorId: 'c' },
        records: {},
        quarantine: [],
        progress: {
          counts: { hosts: 0, policies: 0, definitions: 0, violations: 0 },
          batches: 1,
          quarantined: 0,
          closed: 0,
          metrics,
          warningCount: 0,
          warnings: [],
        },
      })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as Error).message).toContain('Lost the sync lock of instance "eu"');
    expect((await store.getRun(run.id))?.batches).toBe(0);
    await store.releaseLock(lock);
    await store.close();
  });

  it('keeps rate windows between processes without a round trip per call', async () => {
    const writer = await open('windows');
    const windows = writer.rateWindows();
    const key = { api: 'PCRS https://gateway.example.test', subscription: 'user1' };
    expect(windows.load(key)).toBeNull();
    windows.save(key, {
      starts: [1000.4, 2000.6],
      limit: { requests: 300, perMs: 3_600_000 },
      pausedUntil: null,
    });
    expect(windows.load(key)).toEqual({
      starts: [1000, 2001],
      limit: { requests: 300, perMs: 3_600_000 },
      pausedUntil: null,
    });
    windows.save(key, { starts: [3000], limit: null, pausedUntil: 5000 });
    await writer.close();
    const reader = await open('windows', { readonly: true });
    expect(reader.rateWindows().load(key)).toEqual({ starts: [3000], limit: null, pausedUntil: 5000 });
    // A read-only store keeps saves in memory and never throws into the HTTP client.
    expect(() =>
      reader.rateWindows().save(key, { starts: [], limit: null, pausedUntil: null }),
    ).not.toThrow();
    await reader.close();
  });

  it('never puts the password in its location or its errors', async () => {
    const store = await open('secrets');
    expect(store.location).not.toContain(server.password);
    expect(store.location).toBe(`${server.url}?schema=secrets`);
    await store.close();
    const wrong = await PostgresStore.open({ url: server.url, env: { PGPASSWORD: 'hunter2-wrong' } }).catch(
      (error: unknown) => error,
    );
    expect(wrong).toBeInstanceOf(StoreError);
    expect((wrong as Error).message).toMatch(
      /Cannot open the PostgreSQL database at postgresql:\/\/posturesync@127\.0\.0\.1:\d+\/posturesync_test: password authentication failed .*\(28P01\): the server refused the login/,
    );
    expect(
      JSON.stringify({ message: (wrong as Error).message, details: (wrong as StoreError).details }),
    ).not.toContain('hunter2-wrong');
    const named = await PostgresStore.open({
      url: server.url,
      passwordEnv: 'POSTURESYNC_DB_PASSWORD',
      env: { POSTURESYNC_DB_PASSWORD: server.password },
    });
    await named.close();
    await expect(
      PostgresStore.open({ url: `postgresql://posturesync:${server.password}@127.0.0.1:${server.port}/x` }),
    ).rejects.toThrow(/contains a password: remove it from the URL and put it in the PGPASSWORD/);
    const inUrl = await PostgresStore.open({
      url: `postgresql://posturesync:${server.password}@127.0.0.1:${server.port}/x`,
    }).catch((error: Error) => error);
    expect((inUrl as Error).message).not.toContain(server.password);
  });

  it('says where the password goes when none is set', async () => {
    const error = await PostgresStore.open({ url: server.url, env: {} }).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toMatch(
      /the server asks for a password and none is set: put it in PGPASSWORD/,
    );
  });

  it('names an unreachable server as a store error', async () => {
    const error = await PostgresStore.open({ url: 'postgresql://nobody@127.0.0.1:1/none', env: {} }).catch(
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toMatch(
      /Cannot open the PostgreSQL database at postgresql:\/\/nobody@127\.0\.0\.1:1\/none: .*ECONNREFUSED.*the server cannot be reached/,
    );
  });
});
