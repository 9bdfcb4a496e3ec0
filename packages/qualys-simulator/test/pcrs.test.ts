import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startQualysSimulator } from '../src/index.ts';
import { bearer, decodeRecords, login, postureInfo, resolveHostIds, withSimulator } from './helpers.ts';

describe('PCRS gateway', () => {
  let sim: RunningSimulator;
  let token: string;
  let policyIds: string[];

  beforeAll(async () => {
    sim = await startQualysSimulator({
      estate: { seed: 11, hosts: 24, policies: 3, controlsPerPolicy: 6 },
      pcrsRateLimit: false,
    });
    token = await login(sim.url);
    policyIds = sim.state.estate.policies().map((policy) => policy.id);
  });
  afterAll(() => sim.close());

  it('issue 3: /auth answers 201 with a raw HS512 JWT carrying modulesAllowed', async () => {
    const parts = token.split('.');
    expect(parts).toHaveLength(3);
    expect(JSON.parse(Buffer.from(parts[0]!, 'base64url').toString())).toEqual({ alg: 'HS512' });
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString());
    expect(claims.sub).toBe('posturesync_demo');
    expect(claims.modulesAllowed).toContain('PC');
    expect(claims.exp - claims.iat).toBe(4 * 3600);
  });

  it('issue 3: /auth answers 401 with authentication_exceptions on bad credentials', async () => {
    const response = await fetch(`${sim.url}/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=posturesync_demo&password=wrong&token=true',
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      authentication_exceptions: [
        ['Authentication Failure: 1 errors, 0 successes:authenticationFailure.InvalidCredentialsException'],
      ],
    });
  });

  it('issue 3: a missing or forged bearer answers 401 "Not authenticated"', async () => {
    for (const headers of [{}, bearer('abc.def.ghi'), bearer(`${token.slice(0, -4)}AAAA`)]) {
      const response = await fetch(`${sim.url}/pcrs/1.0/posture/policy/list`, { headers });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        status: 401,
        error: 'Unauthorized',
        message: 'Not authenticated',
      });
    }
  });

  it('issue 3: policy/list returns the object form with numeric ids and filters by lastEvaluationDate', async () => {
    const response = await fetch(`${sim.url}/pcrs/1.0/posture/policy/list`, { headers: bearer(token) });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      subscriptionId: number;
      policyList: Array<Record<string, unknown>>;
    };
    expect(body.subscriptionId).toBe(Number(sim.state.estate.subscriptionId));
    expect(body.policyList).toHaveLength(3);
    const first = body.policyList[0]!;
    expect(Object.keys(first)).toEqual([
      'id',
      'title',
      'createdBy',
      'createdDate',
      'modifiedBy',
      'modifiedDate',
      'lastEvaluatedDate',
      'status',
      'locked',
    ]);
    expect(typeof first.id).toBe('number');
    expect(body.policyList.map((policy) => policy.status)).toContain('inactive');
    const dates = body.policyList.map((policy) => String(policy.lastEvaluatedDate)).sort();
    const filtered = await fetch(`${sim.url}/pcrs/1.0/posture/policy/list?lastEvaluationDate=${dates[1]}`, {
      headers: bearer(token),
    });
    const filteredBody = (await filtered.json()) as { policyList: unknown[] };
    expect(filteredBody.policyList).toHaveLength(2);
  });

  it('serves every documented version prefix 1.0..5.0 and 404s others', async () => {
    for (const version of ['1.0', '2.0', '3.0', '4.0', '5.0']) {
      const response = await fetch(`${sim.url}/pcrs/${version}/posture/policy/list`, {
        headers: bearer(token),
      });
      expect(response.status).toBe(200);
    }
    const response = await fetch(`${sim.url}/pcrs/6.0/posture/policy/list`, { headers: bearer(token) });
    expect(response.status).toBe(404);
  });

  it('issue 3: hostids returns string ids per policy and an error element for an unknown policy', async () => {
    const body = await resolveHostIds(sim.url, token, [policyIds[0]!, '94473']);
    expect(body).toHaveLength(2);
    expect(body[0]!.policyId).toBe(policyIds[0]);
    expect(body[0]!.subscriptionId).toBe(sim.state.estate.subscriptionId);
    expect(body[0]!.hostIds.length).toBeGreaterThan(0);
    expect(body[0]!.hostIds.every((id) => typeof id === 'string')).toBe(true);
    expect(body[0]!.error).toBeUndefined();
    expect(body[1]).toEqual({
      policyId: '94473',
      subscriptionId: sim.state.estate.subscriptionId,
      hostIds: [],
      error: 'Error: Compliance Policy does not exist.',
    });
  });

  it('issue 3: hostids answers 400 code 1905 for a non-numeric id and for more than 10 policies', async () => {
    const nonNumeric = await fetch(`${sim.url}/pcrs/1.0/posture/hostids?policyId=4199751a`, {
      headers: bearer(token),
    });
    expect(nonNumeric.status).toBe(400);
    const [error] = (await nonNumeric.json()) as Array<{
      response: { datetime: string; code: number; text: string };
    }>;
    expect(error!.response.code).toBe(1905);
    expect(error!.response.text).toBe(
      'parameter policy_ids has invalid value: 4199751a (Invalid value: 4199751a)',
    );
    expect(error!.response.datetime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const eleven = Array.from({ length: 11 }, (_, index) => String(1000 + index)).join(',');
    const tooMany = await fetch(`${sim.url}/pcrs/1.0/posture/hostids?policyId=${eleven}`, {
      headers: bearer(token),
    });
    expect(tooMany.status).toBe(400);
    const [tooManyError] = (await tooMany.json()) as Array<{ response: { code: number; text: string } }>;
    expect(tooManyError!.response.code).toBe(1905);
    expect(tooManyError!.response.text).toContain('maximum of 10');
  });

  it('hostids filters by lastScanDate', async () => {
    const all = (await resolveHostIds(sim.url, token, [policyIds[0]!]))[0]!.hostIds;
    const dates = all.map((id) => sim.state.estate.host(id)!.complianceLastScanDate).sort();
    const median = dates[Math.floor(dates.length / 2)]!;
    const response = await fetch(
      `${sim.url}/pcrs/1.0/posture/hostids?policyId=${policyIds[0]}&lastScanDate=${median}`,
      {
        headers: bearer(token),
      },
    );
    const [element] = (await response.json()) as Array<{ hostIds: string[] }>;
    expect(element!.hostIds.length).toBe(dates.filter((date) => date >= median).length);
  });

  it('issue 3: postureInfo streams gzip bytes by default that decode to the same records as plain JSON', async () => {
    const body = await resolveHostIds(sim.url, token, [policyIds[0]!]);
    const gzipped = await postureInfo(sim.url, token, body);
    expect(gzipped.status).toBe(200);
    expect(gzipped.headers.get('content-type')).toBe('application/json');
    expect(gzipped.headers.get('content-encoding')).toBeNull();
    expect(gzipped.bytes.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    const plain = await postureInfo(sim.url, token, body, '?compressionRequired=0');
    expect(plain.bytes[0]).toBe('['.charCodeAt(0));
    const records = decodeRecords(gzipped.bytes, true);
    expect(decodeRecords(plain.bytes, false)).toEqual(records);
    expect(records.length).toBe(sim.state.estate.postureRecordCount([policyIds[0]!]));
    const record = records[0]!;
    expect(typeof record.id).toBe('number');
    expect(record.id as number).toBeGreaterThan(2 ** 31);
    expect(typeof record.policyId).toBe('number');
    expect(typeof record.hostId).toBe('number');
    expect(record.criticality).toEqual({ label: expect.any(String), value: expect.any(Number) });
    expect(record.technology).toEqual({ id: record.technologyId, name: expect.any(String) });
    expect(record).toHaveProperty('CLOUD_RESOURCE_ID', null);
    expect(record).not.toHaveProperty('evidence');
    expect(['Passed', 'Failed', 'Error']).toContain(record.status);
  });

  it('issue 3: evidence and causeOfFailure appear only with evidenceRequired=1', async () => {
    const body = await resolveHostIds(sim.url, token, [policyIds[1]!]);
    const response = await postureInfo(sim.url, token, body, '?evidenceRequired=1&compressionRequired=0');
    const records = decodeRecords(response.bytes, false);
    expect(records.every((record) => typeof record.evidence === 'object')).toBe(true);
    const failed = records.find((record) => record.status === 'Failed');
    expect(failed?.causeOfFailure).toMatchObject({
      missing: { logic: 'ALL' },
      unexpected: { values: expect.any(Array) },
    });
  });

  it('postureInfo accepts several policy elements and applies date filters', async () => {
    const body = await resolveHostIds(sim.url, token, policyIds.slice(0, 2));
    const both = decodeRecords(
      (await postureInfo(sim.url, token, body, '?compressionRequired=0')).bytes,
      false,
    );
    expect(both.length).toBe(sim.state.estate.postureRecordCount(policyIds.slice(0, 2)));
    const dates = both.map((record) => String(record.lastEvaluatedDate)).sort();
    const cut = dates[Math.floor(dates.length / 2)]!;
    const filtered = decodeRecords(
      (await postureInfo(sim.url, token, body, `?compressionRequired=0&lastEvaluationDate=${cut}`)).bytes,
      false,
    );
    expect(filtered.length).toBe(dates.filter((date) => date >= cut).length);
  });

  it('issue 3: postureInfo answers 204 when nothing matches', async () => {
    const body = await resolveHostIds(sim.url, token, [policyIds[0]!]);
    const response = await postureInfo(sim.url, token, body, '?lastEvaluationDate=2099-01-01');
    expect(response.status).toBe(204);
    expect(response.bytes.length).toBe(0);
  });

  it('issue 3: invalid evidenceRequired/compressionRequired answer 404 "Invalid input Parameter."', async () => {
    for (const query of ['?evidenceRequired=2', '?compressionRequired=yes']) {
      const response = await postureInfo(sim.url, token, [], query);
      expect(response.status).toBe(404);
      expect(JSON.parse(response.bytes.toString())).toEqual({ message: 'Invalid input Parameter.' });
    }
  });
});

describe('PCRS limits and token lifetime', () => {
  it('issue 3: more host ids than maxHostIdsPerPostureCall answer 400', async () => {
    await withSimulator({ maxHostIdsPerPostureCall: 3, pcrsRateLimit: false }, async (sim) => {
      const token = await login(sim.url);
      const policyId = sim.state.estate.policies()[0]!.id;
      const hostIds = sim.state.estate.hostIdsForPolicy(policyId);
      expect(hostIds.length).toBeGreaterThan(3);
      const response = await postureInfo(sim.url, token, [{ policyId, subscriptionId: '1', hostIds }]);
      expect(response.status).toBe(400);
      const ok = await postureInfo(sim.url, token, [
        { policyId, subscriptionId: '1', hostIds: hostIds.slice(0, 3) },
      ]);
      expect(ok.status).toBe(200);
    });
  });

  it('issue 3: answers 429 past the per-endpoint request limit, auth exempt, and recovers after the window', async () => {
    let now = Date.parse('2024-05-01T00:00:00Z');
    await withSimulator(
      { pcrsRateLimit: { requests: 3, perMs: 60_000 }, pcrsRateLimitHeaders: true, now: () => now },
      async (sim) => {
        const token = await login(sim.url);
        const statuses: number[] = [];
        for (let i = 0; i < 5; i++) {
          statuses.push(
            (await fetch(`${sim.url}/pcrs/1.0/posture/policy/list`, { headers: bearer(token) })).status,
          );
        }
        expect(statuses).toEqual([200, 200, 200, 429, 429]);
        const throttled = await fetch(`${sim.url}/pcrs/1.0/posture/policy/list`, { headers: bearer(token) });
        expect(throttled.headers.get('retry-after')).toBe('60');
        expect(throttled.headers.get('x-ratelimit-remaining')).toBe('0');
        // Other endpoints have their own window; auth is never limited.
        const hostids = await fetch(`${sim.url}/pcrs/1.0/posture/hostids?policyId=1`, {
          headers: bearer(token),
        });
        expect(hostids.status).toBe(200);
        for (let i = 0; i < 5; i++) await login(sim.url);
        expect(sim.state.stats.rateLimited429).toBe(3);
        now += 60_001;
        expect(
          (await fetch(`${sim.url}/pcrs/1.0/posture/policy/list`, { headers: bearer(token) })).status,
        ).toBe(200);
      },
    );
  });

  it('issue 3: an expired token answers 401 "JWT expired", by TTL and by expireAllTokens', async () => {
    let now = Date.parse('2024-05-01T00:00:00Z');
    await withSimulator({ tokenTtlMs: 1000, now: () => now }, async (sim) => {
      const token = await login(sim.url);
      expect(
        (await fetch(`${sim.url}/pcrs/1.0/posture/policy/list`, { headers: bearer(token) })).status,
      ).toBe(200);
      now += 1000;
      const expired = await fetch(`${sim.url}/pcrs/1.0/posture/policy/list`, { headers: bearer(token) });
      expect(expired.status).toBe(401);
      expect(await expired.json()).toEqual({ status: 401, error: 'Unauthorized', message: 'JWT expired' });
      const fresh = await login(sim.url);
      sim.state.expireAllTokens();
      const revoked = await fetch(`${sim.url}/pcrs/1.0/posture/policy/list`, { headers: bearer(fresh) });
      expect(((await revoked.json()) as { message: string }).message).toBe('JWT expired');
    });
  });

  it('without the PC module the JWT lacks PC and PCRS answers 403', async () => {
    await withSimulator({ modulesAllowed: ['VM'] }, async (sim) => {
      const token = await login(sim.url);
      const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
      expect(claims.modulesAllowed).toEqual(['VM']);
      const response = await fetch(`${sim.url}/pcrs/1.0/posture/policy/list`, { headers: bearer(token) });
      expect(response.status).toBe(403);
    });
  });

  it('optionally marks gzip bodies with Content-Encoding', async () => {
    await withSimulator({ gzipContentEncodingHeader: true }, async (sim) => {
      const token = await login(sim.url);
      const policyId = sim.state.estate.policies()[0]!.id;
      const response = await fetch(`${sim.url}/pcrs/1.0/posture/postureInfo`, {
        method: 'POST',
        headers: { ...bearer(token), 'content-type': 'application/json' },
        body: JSON.stringify(await resolveHostIds(sim.url, token, [policyId])),
      });
      expect(response.headers.get('content-encoding')).toBe('gzip');
      // fetch decodes Content-Encoding itself.
      const records = (await response.json()) as unknown[];
      expect(records.length).toBe(sim.state.estate.postureRecordCount([policyId]));
    });
  });
});
