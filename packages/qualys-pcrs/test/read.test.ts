import type { RecordBatch } from '@posturesync/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  activePolicyIds,
  configFor,
  distinctRecords,
  expectedFromEstate,
  lastCheckpoint,
  readAll,
  readRequest,
  type Simulator,
  startRewritingProxy,
  startSimulator,
} from './support.ts';

let simulator: Simulator | undefined;
afterEach(async () => {
  await simulator?.close();
  simulator = undefined;
});

function warningsOf(batches: readonly RecordBatch[]): string[] {
  return batches.flatMap((batch) => batch.warnings ?? []);
}

describe('qualys-pcrs read() against the simulator', () => {
  it('issue 4: a multi-policy sync yields exactly the estate rows', async () => {
    simulator = await startSimulator();
    const estate = simulator.state.estate;
    const active = activePolicyIds(estate);
    expect(active.length).toBeGreaterThanOrEqual(3);
    const { batches, error } = await readAll(configFor(simulator.url, { batchSize: 7 }));
    expect(error).toBeUndefined();
    const expected = expectedFromEstate(estate, active);
    const got = distinctRecords(batches);
    expect([...got.policies].sort()).toEqual([...active].sort());
    expect(got.hosts).toEqual(expected.hosts);
    expect(got.definitions).toEqual(expected.definitions);
    expect(got.violations.size).toBe(expected.postureRecordCount);
    expect(got.violations).toEqual(expected.violations);
    // Each record is emitted once per run (no duplicates without retries).
    const emitted = batches.reduce((total, batch) => total + (batch.violations?.length ?? 0), 0);
    expect(emitted).toBe(expected.postureRecordCount);
    const definitionsEmitted = batches.reduce((total, batch) => total + (batch.definitions?.length ?? 0), 0);
    expect(definitionsEmitted).toBe(expected.definitions.size);
    expect(batches.flatMap((batch) => batch.rejects ?? [])).toEqual([]);
    // A full read closes every policy; the final checkpoint carries the watermark.
    const scopes = batches.flatMap((batch) => batch.completedScopes ?? []);
    expect(scopes.map((scope) => scope.policyUid).sort()).toEqual([...active].sort());
    expect(scopes.every((scope) => scope.hostUids === undefined)).toBe(true);
    const watermarks = Object.fromEntries(active.map((policyId) => [policyId, expect.any(String)]));
    expect(batches.at(-1)?.checkpoint).toEqual({ version: 2, watermarks, run: null });
    expect(simulator.state.stats.authCalls).toBe(1);
  });

  it('issue 4: batches host IDs per postureInfo call and sends at most 10 policies per hostids call', async () => {
    simulator = await startSimulator({ estate: { seed: 3, hosts: 20, policies: 13, controlsPerPolicy: 2 } });
    const estate = simulator.state.estate;
    const active = activePolicyIds(estate);
    expect(active.length).toBeGreaterThan(10);
    const batchSize = 4;
    const { batches, error } = await readAll(configFor(simulator.url, { batchSize, parallelRequests: 3 }));
    expect(error).toBeUndefined();
    const stats = simulator.state.stats;
    expect(stats.requests.hostids).toBe(Math.ceil(active.length / 10));
    const expectedCalls = active.reduce(
      (total, policyId) => total + Math.ceil(estate.hostIdsForPolicy(policyId).length / batchSize),
      0,
    );
    expect(stats.requests.postureInfo).toBe(expectedCalls);
    expect(stats.maxConcurrent).toBeLessThanOrEqual(3);
    expect(distinctRecords(batches).violations.size).toBe(estate.postureRecordCount(active));
  });

  it('issue 15: the postureInfo request total is known from the first postureInfo batch on (once host IDs are in)', async () => {
    simulator = await startSimulator({ estate: { seed: 3, hosts: 20, policies: 4, controlsPerPolicy: 2 } });
    const estate = simulator.state.estate;
    const active = activePolicyIds(estate);
    const batchSize = 3;
    const { batches, error } = await readAll(configFor(simulator.url, { batchSize, parallelRequests: 1 }));
    expect(error).toBeUndefined();
    const expectedCalls = active.reduce(
      (total, policyId) => total + Math.ceil(estate.hostIdsForPolicy(policyId).length / batchSize),
      0,
    );
    expect(expectedCalls).toBeGreaterThan(2);
    const posture = batches.filter((batch) => batch.stream === 'postureInfo').map((batch) => batch.progress);
    expect(posture.length).toBeGreaterThan(2);
    // Every report, the first one included, has the total, and `done` never passes it.
    for (const progress of posture) {
      expect(progress).toMatchObject({ stream: 'postureInfo', total: expectedCalls, unit: 'requests' });
      expect(progress?.done).toBeLessThanOrEqual(expectedCalls);
    }
    expect(posture.at(-1)?.done).toBe(expectedCalls);
  });

  it('issue 4: policiesPerHostIdsCall groups policies per hostids call', async () => {
    simulator = await startSimulator();
    const active = activePolicyIds(simulator.state.estate);
    const { error } = await readAll(configFor(simulator.url, { policiesPerHostIdsCall: 1 }));
    expect(error).toBeUndefined();
    expect(simulator.state.stats.requests.hostids).toBe(active.length);
  });

  it('issue 4: handles gzip bodies with and without Content-Encoding', async () => {
    for (const gzipContentEncodingHeader of [false, true]) {
      simulator = await startSimulator({ gzipContentEncodingHeader });
      const estate = simulator.state.estate;
      const { batches, error } = await readAll(configFor(simulator.url));
      expect(error).toBeUndefined();
      expect(distinctRecords(batches).violations.size).toBe(
        estate.postureRecordCount(activePolicyIds(estate)),
      );
      await simulator.close();
      simulator = undefined;
    }
  });

  it('issue 4: include and exclude filters, exclude winning', async () => {
    simulator = await startSimulator();
    const [first, second, third] = activePolicyIds(simulator.state.estate) as [string, string, string];
    const { batches, error } = await readAll(
      configFor(simulator.url, { policyIds: { include: [first, second], exclude: [second] } }),
    );
    expect(error).toBeUndefined();
    const got = distinctRecords(batches);
    expect([...got.policies]).toEqual([first]);
    expect(new Set(batches.flatMap((batch) => batch.violations ?? []).map((row) => row.policyUid))).toEqual(
      new Set([first]),
    );
    expect(got.violations.size).toBe(simulator.state.estate.postureRecordCount([first]));

    const excluded = await readAll(configFor(simulator.url, { policyIds: { exclude: [third] } }));
    expect([...distinctRecords(excluded.batches).policies].sort()).toEqual([first, second].sort());
  });

  it('issue 4: activeOnly false also syncs inactive policies', async () => {
    simulator = await startSimulator();
    const all = simulator.state.estate.policies().map((policy) => policy.id);
    const { batches, error } = await readAll(configFor(simulator.url, { activeOnly: false }));
    expect(error).toBeUndefined();
    expect([...distinctRecords(batches).policies].sort()).toEqual([...all].sort());
  });

  it('issue 4: an unknown policy in the include list is a warning; the others sync', async () => {
    simulator = await startSimulator();
    const [first] = activePolicyIds(simulator.state.estate) as [string];
    const { batches, error } = await readAll(
      configFor(simulator.url, { policyIds: { include: [first, '9999999'] } }),
    );
    expect(error).toBeUndefined();
    expect(warningsOf(batches).join('\n')).toMatch(/policy 9999999/);
    expect(distinctRecords(batches).violations.size).toBe(simulator.state.estate.postureRecordCount([first]));
  });

  it('issue 4: a per-policy hostids error element is a warning naming the policy; other policies go on', async () => {
    simulator = await startSimulator();
    const estate = simulator.state.estate;
    const active = activePolicyIds(estate);
    const gone = active[1] as string;
    // The policy was deleted between the policy list and hostids: Qualys answers 200 with an error element.
    const proxy = await startRewritingProxy(simulator.url, {
      hostIds: (body) => ({
        status: 200,
        body: (body as Array<{ policyId: string }>).map((entry) =>
          entry.policyId === gone
            ? { ...entry, hostIds: [], error: 'Error: Compliance Policy does not exist.' }
            : entry,
        ),
      }),
    });
    try {
      const { batches, error } = await readAll(configFor(proxy.url));
      expect(error).toBeUndefined();
      expect(simulator.state.stats.requests.hostids).toBe(1);
      const warnings = warningsOf(batches);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(`policy ${gone}`);
      expect(warnings[0]).toContain('Compliance Policy does not exist');
      const others = active.filter((policyId) => policyId !== gone);
      expect(distinctRecords(batches).violations.size).toBe(estate.postureRecordCount(others));
      const scopes = batches.flatMap((batch) => batch.completedScopes ?? []).map((scope) => scope.policyUid);
      expect(scopes.sort()).toEqual(others.sort());
    } finally {
      await proxy.close();
    }
  });

  it('issue 4: an error envelope sent with HTTP 200 is retried', async () => {
    simulator = await startSimulator({
      faults: [
        { endpoint: 'hostids', kind: 'errorBody200' },
        { endpoint: 'postureInfo', kind: 'errorBody200', afterCalls: 1 },
      ],
    });
    const estate = simulator.state.estate;
    const { batches, error } = await readAll(configFor(simulator.url, { batchSize: 10 }));
    expect(error).toBeUndefined();
    expect(warningsOf(batches)).toEqual([]);
    expect(batches.flatMap((batch) => batch.rejects ?? [])).toEqual([]);
    expect(distinctRecords(batches).violations.size).toBe(estate.postureRecordCount(activePolicyIds(estate)));
  });

  it('issue 4: a hostids 400 fails naming the policies and the Qualys code and text', async () => {
    simulator = await startSimulator();
    const active = activePolicyIds(simulator.state.estate);
    const proxy = await startRewritingProxy(simulator.url, {
      hostIds: () => ({
        status: 400,
        body: [
          {
            response: {
              datetime: '2021-10-28T13:29:06Z',
              code: 1905,
              text: 'parameter policy_ids has invalid value: 4199751a (Invalid value: 4199751a)',
            },
          },
        ],
      }),
    });
    try {
      const { error } = await readAll(configFor(proxy.url));
      expect(error).toMatchObject({ name: 'BadResponseError' });
      expect((error as Error).message).toContain(`policies ${active.join(', ')}`);
      expect((error as Error).message).toContain('code 1905: parameter policy_ids has invalid value');
    } finally {
      await proxy.close();
    }
  });

  it('issue 4: keeps posture ids beyond 2^53 exact as strings, from a plain (not gzip) body', async () => {
    simulator = await startSimulator();
    const estate = simulator.state.estate;
    const active = activePolicyIds(estate);
    // Prefix every posture id with 9000000 (e.g. 23006235045 -> 900000023006235045 > 2^53).
    const proxy = await startRewritingProxy(simulator.url, {
      postureInfoText: (text) => text.replace(/"id":\s*(\d+)/g, '"id":9000000$1'),
    });
    try {
      const { batches, error } = await readAll(configFor(proxy.url));
      expect(error).toBeUndefined();
      const expected = [...expectedFromEstate(estate, active).violations].map((id) => `9000000${id}`);
      const got = [...distinctRecords(batches).violations];
      expect(got.sort()).toEqual(expected.sort());
      expect(got.every((id) => BigInt(id) > BigInt(Number.MAX_SAFE_INTEGER))).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it('issue 4: 204 and [] postureInfo answers are empty results, not errors', async () => {
    simulator = await startSimulator();
    const active = activePolicyIds(simulator.state.estate);
    let call = 0;
    const proxy = await startRewritingProxy(simulator.url, {
      postureInfoText: () => (call++ % 2 === 0 ? null : ' [ ] '),
    });
    try {
      const { batches, error } = await readAll(configFor(proxy.url));
      expect(error).toBeUndefined();
      expect(call).toBe(active.length);
      expect(distinctRecords(batches).violations.size).toBe(0);
      const scopes = batches.flatMap((batch) => batch.completedScopes ?? []).map((scope) => scope.policyUid);
      expect(scopes.sort()).toEqual([...active].sort());
    } finally {
      await proxy.close();
    }
  });

  it('issue 4: a record that cannot be mapped becomes a reject naming its position; the rest is stored', async () => {
    simulator = await startSimulator({ faults: [{ endpoint: 'postureInfo', kind: 'malformedRecord' }] });
    const estate = simulator.state.estate;
    const { batches, error } = await readAll(configFor(simulator.url));
    expect(error).toBeUndefined();
    const rejects = batches.flatMap((batch) => batch.rejects ?? []);
    expect(rejects).toHaveLength(1);
    expect(rejects[0]?.position).toMatch(/^postureInfo policy \d+ hosts 1\.\.\d+ of \d+ record 1$/);
    expect(distinctRecords(batches).violations.size).toBe(
      estate.postureRecordCount(activePolicyIds(estate)) - 1,
    );
  });

  it('issue 4: evidence on adds evidence and cause of failure', async () => {
    simulator = await startSimulator();
    const { batches, error } = await readAll(configFor(simulator.url, { evidence: true }));
    expect(error).toBeUndefined();
    const failed = batches
      .flatMap((batch) => batch.violations ?? [])
      .filter((row) => row.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.some((row) => row.evidence !== null && typeof row.evidence === 'object')).toBe(true);
  });
});

describe('qualys-pcrs auth, limits and failures', () => {
  it('issue 4: token expiry mid-sync costs exactly one extra /auth and the sync completes', async () => {
    simulator = await startSimulator();
    const running = simulator;
    const estate = running.state.estate;
    let expired = false;
    const { batches, error } = await readAll(
      configFor(running.url, { batchSize: 5 }),
      readRequest(),
      (batch) => {
        if (!expired && batch.stream === 'postureInfo' && batch.checkpoint) {
          expired = true;
          running.state.expireAllTokens();
        }
      },
    );
    expect(error).toBeUndefined();
    expect(expired).toBe(true);
    expect(running.state.stats.authCalls).toBe(2);
    expect(distinctRecords(batches).violations.size).toBe(estate.postureRecordCount(activePolicyIds(estate)));
  });

  it('issue 4: short-lived tokens are renewed during a long sync without failing it', async () => {
    simulator = await startSimulator({ tokenTtlMs: 400, latencyMs: 40 });
    const estate = simulator.state.estate;
    const { batches, error } = await readAll(configFor(simulator.url, { batchSize: 3 }));
    expect(error).toBeUndefined();
    expect(simulator.state.stats.authCalls).toBeGreaterThanOrEqual(2);
    expect(distinctRecords(batches).violations.size).toBe(estate.postureRecordCount(activePolicyIds(estate)));
  });

  it('issue 4: an expired token on concurrent calls is refreshed once and retried with the new token', async () => {
    simulator = await startSimulator({
      faults: [{ endpoint: 'postureInfo', kind: 'expireToken', afterCalls: 2 }],
    });
    const estate = simulator.state.estate;
    const { batches, error } = await readAll(configFor(simulator.url, { batchSize: 5, parallelRequests: 3 }));
    expect(error).toBeUndefined();
    expect(simulator.state.stats.authCalls).toBe(2);
    expect(distinctRecords(batches).violations.size).toBe(estate.postureRecordCount(activePolicyIds(estate)));
  });

  it('issue 4 / issue 12: with pacing off, adopts the limit the server announces in headers and syncs every row without a 429', async () => {
    simulator = await startSimulator({
      pcrsRateLimit: { requests: 5, perMs: 1000 },
      pcrsRateLimitHeaders: true,
    });
    const estate = simulator.state.estate;
    const { batches, error } = await readAll(configFor(simulator.url, { batchSize: 6, maxRetries: 0 }));
    expect(error).toBeUndefined();
    // The first answer states 5 per second; every later call is paced by it.
    expect(simulator.state.stats.rateLimited429).toBe(0);
    expect(distinctRecords(batches).violations.size).toBe(estate.postureRecordCount(activePolicyIds(estate)));
  });

  it('issue 4: the client-side rate limit keeps the sync under the server limit (no 429 at all)', async () => {
    simulator = await startSimulator({ pcrsRateLimit: { requests: 5, perMs: 1000 } });
    const estate = simulator.state.estate;
    const { batches, error } = await readAll(
      configFor(simulator.url, { batchSize: 6, rateLimit: { requests: 5, perSeconds: 1 } }),
    );
    expect(error).toBeUndefined();
    expect(simulator.state.stats.rateLimited429).toBe(0);
    expect(distinctRecords(batches).violations.size).toBe(estate.postureRecordCount(activePolicyIds(estate)));
  });

  it('issue 4: backs off on 409 and 429 faults', async () => {
    simulator = await startSimulator({
      faults: [
        { endpoint: 'postureInfo', kind: 'status409Concurrency', afterCalls: 1 },
        { endpoint: 'postureInfo', kind: 'status429', afterCalls: 3 },
      ],
    });
    const estate = simulator.state.estate;
    const { batches, error, context } = await readAll(configFor(simulator.url, { batchSize: 10 }));
    expect(error).toBeUndefined();
    expect(simulator.state.stats.conflicts409 + simulator.state.stats.rateLimited429).toBe(2);
    // Throttling is waited out and counted apart from retries (issue 12).
    expect(context.metrics.throttledWaits).toBe(2);
    expect(distinctRecords(batches).violations.size).toBe(estate.postureRecordCount(activePolicyIds(estate)));
  });

  it('issue 4: a response that breaks mid-body (reset, truncated gzip) is refetched as a whole', async () => {
    simulator = await startSimulator({
      faults: [
        { endpoint: 'postureInfo', kind: 'resetMidBody', afterCalls: 1 },
        { endpoint: 'postureInfo', kind: 'truncatedGzip', afterCalls: 2 },
      ],
    });
    const estate = simulator.state.estate;
    const { batches, error } = await readAll(configFor(simulator.url, { batchSize: 10 }));
    expect(error).toBeUndefined();
    expect(distinctRecords(batches).violations.size).toBe(estate.postureRecordCount(activePolicyIds(estate)));
  });

  it('issue 4: malformed JSON is retried a limited number of times, then fails naming the policy and position', async () => {
    simulator = await startSimulator({
      faults: [{ endpoint: 'postureInfo', kind: 'malformedJson', times: Number.POSITIVE_INFINITY }],
    });
    // One worker, so the count does not depend on how far a second one got under load.
    const { error } = await readAll(configFor(simulator.url, { batchSize: 10, parallelRequests: 1 }));
    expect(error).toMatchObject({ name: 'BadResponseError' });
    expect((error as Error).message).toMatch(/postureInfo policy \d+ hosts \d+\.\.\d+ of \d+/);
    expect((error as Error).message).toMatch(/character \d+ after \d+ records/);
    // 1 attempt + 2 retries of the first call, then the sync stops.
    expect(simulator.state.stats.requests.postureInfo).toBe(3);
  });

  it('issue 4: resumes after a failure in the middle, skipping completed calls, with the same rows', async () => {
    simulator = await startSimulator();
    const running = simulator;
    const estate = running.state.estate;
    const active = activePolicyIds(estate);
    const config = configFor(running.url, { batchSize: 5, maxRetries: 0, parallelRequests: 1 });
    running.state.setFaults([{ endpoint: 'postureInfo', kind: 'status500', afterCalls: 4, times: 1 }]);
    const first = await readAll(config);
    expect(first.error).toMatchObject({ name: 'TransientError' });
    const state = lastCheckpoint(first.batches);
    expect(state).toMatchObject({ run: { completedBatchKeys: expect.any(Array) } });
    const completedBefore = (state as { run: { completedBatchKeys: string[] } }).run.completedBatchKeys
      .length;
    expect(completedBefore).toBe(4);

    running.state.resetStats();
    const second = await readAll(config, readRequest({ state: JSON.parse(JSON.stringify(state)) }));
    expect(second.error).toBeUndefined();
    expect(second.logs).toMatch(/resuming the interrupted sync/);
    const totalCalls = active.reduce((sum, id) => sum + Math.ceil(estate.hostIdsForPolicy(id).length / 5), 0);
    expect(running.state.stats.requests.postureInfo).toBe(totalCalls - completedBefore);
    const union = distinctRecords([...first.batches, ...second.batches]);
    expect(union.violations.size).toBe(estate.postureRecordCount(active));
    expect(distinctRecords(second.batches).violations.size).toBeLessThan(estate.postureRecordCount(active));
  });

  it('issue 4: an incremental second sync fetches only rescanned hosts; full refetches all', async () => {
    simulator = await startSimulator();
    const running = simulator;
    const estate = running.state.estate;
    const active = activePolicyIds(estate);
    const firstStart = new Date().toISOString();
    const first = await readAll(configFor(running.url), readRequest({ runStartedAt: firstStart }));
    expect(first.error).toBeUndefined();
    const state = lastCheckpoint(first.batches);
    expect(state).toEqual({
      version: 2,
      watermarks: Object.fromEntries(active.map((policyId) => [policyId, firstStart])),
      run: null,
    });

    const member = estate.hostIdsForPolicy(active[0] as string);
    const rescanned = member.slice(0, 3);
    estate.rescan(rescanned, new Date());
    running.state.resetStats();
    const second = await readAll(configFor(running.url), readRequest({ state: state ?? null }));
    expect(second.error).toBeUndefined();
    const got = distinctRecords(second.batches);
    expect(got.hosts).toEqual(new Set(rescanned));
    const expectedRows = active.reduce(
      (sum, policyId) =>
        sum + rescanned.reduce((inner, hostId) => inner + estate.resultCountForHost(policyId, hostId), 0),
      0,
    );
    expect(got.violations.size).toBe(expectedRows);
    const scopes = second.batches.flatMap((batch) => batch.completedScopes ?? []);
    expect(scopes.length).toBeGreaterThan(0);
    for (const scope of scopes)
      expect(new Set(scope.hostUids)).toEqual(
        new Set(rescanned.filter((hostId) => estate.isHostInPolicy(scope.policyUid, hostId))),
      );

    const full = await readAll(
      configFor(running.url),
      readRequest({ state: lastCheckpoint(second.batches) ?? null, full: true }),
    );
    expect(full.error).toBeUndefined();
    expect(distinctRecords(full.batches).violations.size).toBe(estate.postureRecordCount(active));
  });
});
