import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningSimulator, startQualysSimulator } from '../src/index.ts';
import { bearer, classicHeaders, decodeRecords, login, postureInfo, resolveHostIds } from './helpers.ts';

describe('faults on demand', () => {
  let sim: RunningSimulator;
  let token: string;
  let policyId: string;
  let body: unknown;

  beforeAll(async () => {
    sim = await startQualysSimulator({
      estate: { seed: 4, hosts: 20, controlsPerPolicy: 6 },
      pcrsRateLimit: false,
      classicRateLimit: false,
    });
    token = await login(sim.url);
    policyId = sim.state.estate.policies()[0]!.id;
    body = await resolveHostIds(sim.url, token, [policyId]);
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.state.setFaults([]));

  const policyList = () => fetch(`${sim.url}/pcrs/1.0/posture/policy/list`, { headers: bearer(token) });
  const reportList = () => fetch(`${sim.url}/api/2.0/fo/report/?action=list`, { headers: classicHeaders });

  it('issue 3: status500/502/503 burst for `times` calls, after `afterCalls`, then recover', async () => {
    sim.state.setFaults([{ endpoint: 'policyList', kind: 'status503', times: 2, afterCalls: 1 }]);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await policyList()).status);
    expect(statuses).toEqual([200, 503, 503, 200]);
    sim.state.setFaults([
      { endpoint: 'reportList', kind: 'status502' },
      { endpoint: 'reportList', kind: 'status500' },
    ]);
    expect((await reportList()).status).toBe(502);
    const internal = await reportList();
    expect(internal.status).toBe(500);
    expect(await internal.text()).toContain('<CODE>999</CODE>');
    expect((await reportList()).status).toBe(200);
  });

  it('issue 3: status429 throttles and is counted', async () => {
    const before = sim.state.stats.rateLimited429;
    sim.state.setFaults([{ endpoint: '*', kind: 'status429' }]);
    expect((await postureInfo(sim.url, token, body)).status).toBe(429);
    expect(sim.state.stats.rateLimited429).toBe(before + 1);
  });

  it('issue 3: resetMidBody breaks the connection after part of the body', async () => {
    sim.state.setFaults([{ endpoint: 'postureInfo', kind: 'resetMidBody' }]);
    const response = await fetch(`${sim.url}/pcrs/1.0/posture/postureInfo?compressionRequired=0`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
    sim.state.setFaults([{ endpoint: 'reportFetch', kind: 'resetMidBody' }]);
    const report = sim.state.reports.find((candidate) => candidate.state === 'Finished')!;
    const fetched = await fetch(`${sim.url}/api/2.0/fo/report/?action=fetch&id=${report.id}`, {
      headers: classicHeaders,
    });
    await expect(fetched.arrayBuffer()).rejects.toThrow();
  });

  it('issue 3: truncatedGzip ends the gzip stream early and cleanly', async () => {
    sim.state.setFaults([{ endpoint: 'postureInfo', kind: 'truncatedGzip' }]);
    const response = await postureInfo(sim.url, token, body);
    expect(response.status).toBe(200);
    expect(response.bytes.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(() => gunzipSync(response.bytes)).toThrow(/unexpected end of file/);
  });

  it('issue 3: slow delays the response', async () => {
    sim.state.setFaults([{ endpoint: 'policyList', kind: 'slow', delayMs: 150 }]);
    const started = performance.now();
    expect((await policyList()).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('issue 3: malformedJson corrupts JSON bodies (streamed or not)', async () => {
    sim.state.setFaults([{ endpoint: 'postureInfo', kind: 'malformedJson' }]);
    const posture = await postureInfo(sim.url, token, body, '?compressionRequired=0');
    expect(posture.status).toBe(200);
    expect(() => JSON.parse(posture.bytes.toString())).toThrow();
    sim.state.setFaults([{ endpoint: 'hostids', kind: 'malformedJson' }]);
    const hostids = await fetch(`${sim.url}/pcrs/1.0/posture/hostids?policyId=${policyId}`, {
      headers: bearer(token),
    });
    expect(hostids.status).toBe(200);
    await expect(hostids.json()).rejects.toThrow();
  });

  it('issue 3: malformedXml corrupts the report list and a fetched XML report', async () => {
    sim.state.setFaults([{ endpoint: 'reportList', kind: 'malformedXml' }]);
    const list = await (await reportList()).text();
    expect(list).not.toContain('</REPORT_LIST_OUTPUT>');
    sim.state.setFaults([{ endpoint: 'reportFetch', kind: 'malformedXml' }]);
    const report = sim.state.reports.find(
      (candidate) => candidate.format === 'xml' && candidate.state === 'Finished' && !candidate.zipped,
    )!;
    const xml = await (
      await fetch(`${sim.url}/api/2.0/fo/report/?action=fetch&id=${report.id}`, { headers: classicHeaders })
    ).text();
    expect(xml).toMatch(/<CONTROL><CID>\d+<\/CID>[\s\S]*?<\/CONTROL_BROKEN>/);
  });

  it('issue 3: expireToken expires the JWT mid-sync (401 "JWT expired", a new /auth works)', async () => {
    sim.state.setFaults([{ endpoint: 'postureInfo', kind: 'expireToken', afterCalls: 1 }]);
    expect((await postureInfo(sim.url, token, body)).status).toBe(200);
    const expired = await postureInfo(sim.url, token, body);
    expect(expired.status).toBe(401);
    expect(JSON.parse(expired.bytes.toString()).message).toBe('JWT expired');
    token = await login(sim.url);
    expect((await postureInfo(sim.url, token, body)).status).toBe(200);
  });

  it('issue 3: errorBody200 answers 200 with an error body', async () => {
    sim.state.setFaults([
      { endpoint: 'hostids', kind: 'errorBody200' },
      { endpoint: 'reportList', kind: 'errorBody200' },
    ]);
    const hostids = await fetch(`${sim.url}/pcrs/1.0/posture/hostids?policyId=${policyId}`, {
      headers: bearer(token),
    });
    expect(hostids.status).toBe(200);
    expect(((await hostids.json()) as Array<{ response: { code: number } }>)[0]!.response.code).toBe(999);
    const list = await reportList();
    expect(list.status).toBe(200);
    expect(await list.text()).toMatch(/<SIMPLE_RETURN>[\s\S]*<CODE>999<\/CODE>/);
  });

  it('issue 3: status409Concurrency and status409RateLimit answer SIMPLE_RETURN 1960 / 1965 with headers', async () => {
    sim.state.setFaults([
      { endpoint: 'reportList', kind: 'status409Concurrency' },
      { endpoint: 'reportList', kind: 'status409RateLimit', afterCalls: 1 },
    ]);
    const concurrency = await reportList();
    expect(concurrency.status).toBe(409);
    expect(await concurrency.text()).toContain('<CODE>1960</CODE>');
    expect(concurrency.headers.get('x-concurrency-limit-running')).toBe('2');
    const rate = await reportList();
    expect(rate.status).toBe(409);
    expect(await rate.text()).toContain('<KEY>SECONDS_TO_WAIT</KEY>');
    expect(rate.headers.get('x-ratelimit-towait-sec')).toBe('60');
  });

  it('issue 3: malformedRecord puts one wrongly typed record into an otherwise valid response', async () => {
    sim.state.setFaults([
      { endpoint: 'postureInfo', kind: 'malformedRecord' },
      { endpoint: 'reportFetch', kind: 'malformedRecord' },
    ]);
    const records = decodeRecords((await postureInfo(sim.url, token, body)).bytes, true);
    const bad = records.filter((record) => typeof record.controlId !== 'number');
    expect(bad).toHaveLength(1);
    expect(bad[0]!.controlId).toBe('abc');
    expect(Number.isNaN(Date.parse(String(bad[0]!.lastEvaluatedDate)))).toBe(true);
    expect(records.length).toBe(sim.state.estate.postureRecordCount([policyId]));
    const report = sim.state.reports.find(
      (candidate) => candidate.format === 'csv' && candidate.state === 'Finished',
    )!;
    const csv = await (
      await fetch(`${sim.url}/api/2.0/fo/report/?action=fetch&id=${report.id}`, { headers: classicHeaders })
    ).text();
    expect(csv.match(/,"abc",/g)).toHaveLength(1);
  });

  it('counts requests per endpoint and keeps a request log', async () => {
    sim.state.resetStats();
    await policyList();
    await reportList();
    expect(sim.state.stats.requests).toEqual({ policyList: 1, reportList: 1 });
    expect(sim.state.stats.requestLog.map((entry) => [entry.endpoint, entry.status])).toEqual([
      ['policyList', 200],
      ['reportList', 200],
    ]);
  });
});
