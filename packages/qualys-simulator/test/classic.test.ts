import { getResponse } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQualysHandlers, type RunningSimulator, startQualysSimulator } from '../src/index.ts';
import {
  cellOf,
  classicHeaders,
  csvSection,
  parseCsv,
  realCsvSection,
  unzipSingle,
  withSimulator,
} from './helpers.ts';

function reportUrl(url: string, query: string): string {
  return `${url}/api/2.0/fo/report/?${query}`;
}

function tag(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}>([\\s\\S]*?)</${name}>`, 'g'))].map((match) =>
    match[1]!.trim(),
  );
}

describe('classic API v2', () => {
  let sim: RunningSimulator;
  let clock = Date.parse('2024-05-01T12:00:00Z');
  beforeAll(async () => {
    sim = await startQualysSimulator({
      estate: { seed: 2, hosts: 16, policies: 3, controlsPerPolicy: 5 },
      classicRateLimit: false,
      reportLaunchDelayMs: 300,
      now: () => clock,
    });
  });
  afterAll(() => sim.close());

  it('issue 3: a call without X-Requested-With answers 400 with a SIMPLE_RETURN', async () => {
    const response = await fetch(reportUrl(sim.url, 'action=list'), {
      headers: { authorization: classicHeaders.authorization },
    });
    expect(response.status).toBe(400);
    const body = await response.text();
    expect(body).toContain('<SIMPLE_RETURN>');
    expect(body).toContain('X-Requested-With');
  });

  it('issue 3: bad Basic credentials answer 401 code 2000 "Bad Login/Password"', async () => {
    const response = await fetch(reportUrl(sim.url, 'action=list'), {
      headers: {
        authorization: `Basic ${Buffer.from('posturesync_demo:nope').toString('base64')}`,
        'x-requested-with': 't',
      },
    });
    expect(response.status).toBe(401);
    const body = await response.text();
    expect(tag(body, 'CODE')).toEqual(['2000']);
    expect(tag(body, 'TEXT')).toEqual(['Bad Login/Password']);
  });

  it('issue 3: session login sets the QualysSession cookie, which authenticates until logout', async () => {
    const bad = await fetch(`${sim.url}/api/2.0/fo/session/`, {
      method: 'POST',
      headers: { 'x-requested-with': 't', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'action=login&username=posturesync_demo&password=bad',
    });
    expect(bad.status).toBe(401);
    const login = await fetch(`${sim.url}/api/2.0/fo/session/`, {
      method: 'POST',
      headers: { 'x-requested-with': 't', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'action=login&username=posturesync_demo&password=demo-password',
    });
    expect(login.status).toBe(200);
    expect(tag(await login.text(), 'TEXT')).toEqual(['Logged in']);
    expect(login.headers.get('x-ratelimit-limit')).toBeNull();
    const cookie = login.headers.getSetCookie()[0]!;
    expect(cookie).toMatch(/^QualysSession=[0-9a-f]{32}; path=\/api; secure$/);
    const session = cookie.split(';')[0]!;
    const listed = await fetch(reportUrl(sim.url, 'action=list'), {
      headers: { cookie: session, 'x-requested-with': 't' },
    });
    expect(listed.status).toBe(200);
    const logout = await fetch(`${sim.url}/api/2.0/fo/session/`, {
      method: 'POST',
      headers: {
        cookie: session,
        'x-requested-with': 't',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'action=logout',
    });
    expect(tag(await logout.text(), 'TEXT')).toEqual(['Logged out']);
    const after = await fetch(reportUrl(sim.url, 'action=list'), {
      headers: { cookie: session, 'x-requested-with': 't' },
    });
    expect(after.status).toBe(401);
  });

  it('issue 3: action=list returns REPORT_LIST_OUTPUT with CDATA titles and every state', async () => {
    const response = await fetch(reportUrl(sim.url, 'action=list'), { headers: classicHeaders });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/xml');
    const xml = await response.text();
    expect(xml).toContain('<!DOCTYPE REPORT_LIST_OUTPUT SYSTEM');
    expect(xml).toMatch(/<TITLE><!\[CDATA\[PC-Weekly [^\]]+\]\]><\/TITLE>/);
    expect(new Set(tag(xml, 'STATE'))).toEqual(new Set(['Finished', 'Errors', 'Canceled', 'Running']));
    expect(tag(xml, 'OUTPUT_FORMAT').every((format) => format === 'CSV' || format === 'XML')).toBe(true);
    // Real layout: Policy Reports list as TYPE Compliance (spec policy-report-csv-real.md §7).
    expect(tag(xml, 'TYPE').every((type) => type === 'Compliance')).toBe(true);
    expect(
      tag(xml, 'LAUNCH_DATETIME').every((date) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(date)),
    ).toBe(true);
    expect(tag(xml, 'SIZE').some((size) => /^\d+(\.\d+)? (bytes|KB|MB|GB)$/.test(size))).toBe(true);
    expect(tag(xml, 'SIZE')).toContain('-');
    expect(xml).toContain('Monthly Audit Export');
    const finishedOnly = await (
      await fetch(reportUrl(sim.url, 'action=list&state=Finished'), { headers: classicHeaders })
    ).text();
    expect(new Set(tag(finishedOnly, 'STATE'))).toEqual(new Set(['Finished']));
  });

  it('issue 11: action=fetch returns a real-layout CSV report by default', async () => {
    const report = sim.state.reports.find(
      (candidate) => candidate.format === 'csv' && candidate.state === 'Finished',
    )!;
    const response = await fetch(reportUrl(sim.url, `action=fetch&id=${report.id}`), {
      headers: classicHeaders,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    const text = await response.text();
    expect(text).not.toContain('\r\n\r\n');
    expect(text.split('\r\n').slice(3, 5)).toEqual([
      'SUMMARY',
      'Policy Title,Policy Locking,Policy Modified,Policy Last Evaluated,Asset Groups,IPs,Asset Tags,PC Agent IPs,Technologies,Controls,Assets,Control Instances,Passed,Failures,Error,Approved Exceptions,Pending Exceptions',
    ]);
    const rows = parseCsv(text);
    expect(rows[0]![0]).toBe(report.title);
    expect(rows[0]![1]).toMatch(/^\d{2}\/\d{2}\/\d{4} at \d{2}:\d{2}:\d{2} \(GMT\+1[01]00\)$/);
    expect(rows[1]).toHaveLength(7);
    expect(rows[2]).toEqual(['Demo User', report.userLogin, 'Manager']);
    const policy = sim.state.estate.policy(report.policyId)!;
    const summary = realCsvSection(rows, 'SUMMARY');
    expect(summary.rows).toHaveLength(1);
    const summaryRow = summary.rows[0]!;
    expect(cellOf(summary.header, summaryRow, 'Policy Title')).toBe(policy.title);
    expect(cellOf(summary.header, summaryRow, 'Policy Locking')).toBe(policy.locked ? 'Locked' : 'Unlocked');
    const hostStatistics = realCsvSection(rows, 'Host Statistics (Percentage of Controls Passed per Host)');
    expect(hostStatistics.rows).toHaveLength(sim.state.estate.hostIdsForPolicy(report.policyId).length);
    expect(cellOf(hostStatistics.header, hostStatistics.rows[0]!, 'Percentage')).toMatch(
      /^\d+(\.\d+)?% \(\d+ of \d+\)$/,
    );
    const results = realCsvSection(rows, 'RESULTS');
    expect(results.header).toHaveLength(28);
    expect(results.rows.every((row) => row.length === 28)).toBe(true);
    expect(results.rows.length).toBe(sim.state.estate.postureRecordCount([report.policyId]));
    expect(Number(cellOf(summary.header, summaryRow, 'Control Instances'))).toBe(results.rows.length);
    const evidence = results.rows.map((row) => cellOf(results.header, row, 'Evidence'));
    expect(evidence.every((cell) => cell.startsWith('======Expected Value(s)======\n'))).toBe(true);
  });

  it('issue 3: the legacy layout keeps CRLF rows, blank rows and every section', async () => {
    // `reportLayout: 'legacy'` keeps the simulator's first guess for tests written against it.
    const legacy = await startQualysSimulator({
      estate: { seed: 2, hosts: 16, policies: 3, controlsPerPolicy: 5 },
      classicRateLimit: false,
      reportLayout: 'legacy',
    });
    try {
      await checkLegacyFetch(legacy);
    } finally {
      await legacy.close();
    }
  });

  async function checkLegacyFetch(sim: RunningSimulator): Promise<void> {
    const report = sim.state.reports.find(
      (candidate) => candidate.format === 'csv' && candidate.state === 'Finished',
    )!;
    const response = await fetch(reportUrl(sim.url, `action=fetch&id=${report.id}`), {
      headers: classicHeaders,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    const text = await response.text();
    expect(text).toContain('\r\n\r\n\r\n');
    const rows = parseCsv(text);
    expect(rows[0]![0]).toBe(report.title);
    expect(rows[0]![1]).toMatch(/^\d{2}\/\d{2}\/\d{4} at \d{2}:\d{2}:\d{2} \(GMT\+0000\)$/);
    const summary = csvSection(rows, 'SUMMARY');
    expect(summary.header).toHaveLength(18);
    expect(summary.rows[0]![0]).toBe(report.policyId);
    expect(summary.rows[0]![13]).toMatch(/^\d+\(\d+(\.\d+)?%\)$/);
    expect(csvSection(rows, 'Control Statistics').rows).toHaveLength(5);
    const hostStatistics = csvSection(rows, 'Host Statistics');
    expect(hostStatistics.rows[0]![6]).toMatch(/^\d+(\.\d+)?% \(\d+ of \d+\)$/);
    expect(csvSection(rows, 'ASSET TAGS', false).rows.length).toBe(hostStatistics.rows.length);
    const results = csvSection(rows, 'RESULTS');
    expect(results.header).toHaveLength(34);
    expect(results.rows.every((row) => row.length === 34)).toBe(true);
    expect(results.rows.some((row) => row[17]!.includes('\n'))).toBe(true);
    expect(results.rows.some((row) => row[19]!.startsWith('Expected: '))).toBe(true);
    expect(results.rows.length).toBe(sim.state.estate.postureRecordCount([report.policyId]));
    const list = await (await fetch(reportUrl(sim.url, 'action=list'), { headers: classicHeaders })).text();
    expect(tag(list, 'TYPE').every((type) => type === 'Policy')).toBe(true);
  }

  it('issue 3: action=fetch returns an XML report with the mapped structure', async () => {
    const report = sim.state.reports.find(
      (candidate) => candidate.format === 'xml' && candidate.state === 'Finished' && !candidate.zipped,
    )!;
    const response = await fetch(reportUrl(sim.url, `action=fetch&id=${report.id}`), {
      headers: classicHeaders,
    });
    expect(response.headers.get('content-type')).toContain('text/xml');
    const xml = await response.text();
    expect(xml).toMatch(
      /<POLICY_REPORT>[\s\S]*<HEADER>[\s\S]*<SUMMARY>[\s\S]*<CONTROL_STATISTICS>[\s\S]*<HOST_STATISTICS>[\s\S]*<ASSET_TAG_LIST>[\s\S]*<RESULTS group_by="host">/,
    );
    expect(xml).toMatch(/<IP network_id="\d+">/);
    expect(xml.match(/<\/INSTANCE><STATUS>/g)?.length).toBe(
      sim.state.estate.postureRecordCount([report.policyId]),
    );
    expect(xml).toContain('<EVIDENCE><EXPECTED><![CDATA[');
  });

  it('issue 3: a zipped report is a real zip with one entry', async () => {
    const report = sim.state.reports.find((candidate) => candidate.zipped)!;
    const response = await fetch(reportUrl(sim.url, `action=fetch&id=${report.id}`), {
      headers: classicHeaders,
    });
    expect(response.headers.get('content-type')).toBe('application/zip');
    const zip = Buffer.from(await response.arrayBuffer());
    expect(zip.subarray(0, 4)).toEqual(Buffer.from('PK\x03\x04', 'latin1'));
    const { zlib } = { zlib: await import('node:zlib') };
    const { name, content, crc } = unzipSingle(zip);
    expect(name).toMatch(/\.xml$/);
    expect(zlib.crc32(content)).toBe(crc);
    expect(content.toString('utf8')).toContain('</POLICY_REPORT>');
  });

  it('issue 3: fetching an unknown or unfinished report answers a SIMPLE_RETURN error', async () => {
    const unknown = await fetch(reportUrl(sim.url, 'action=fetch&id=1'), { headers: classicHeaders });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('<SIMPLE_RETURN>');
    const running = sim.state.reports.find((candidate) => candidate.state === 'Running')!;
    const unfinished = await fetch(reportUrl(sim.url, `action=fetch&id=${running.id}`), {
      headers: classicHeaders,
    });
    expect(unfinished.status).toBe(400);
    expect(tag(await unfinished.text(), 'TEXT')[0]).toContain('Running');
  });

  it('issue 3: action=launch returns the new ID, and the report becomes Finished after the delay', async () => {
    const policyId = sim.state.estate.policies()[1]!.id;
    const get = await fetch(reportUrl(sim.url, 'action=launch'), { headers: classicHeaders });
    expect(get.status).toBe(400);
    const response = await fetch(`${sim.url}/api/2.0/fo/report/`, {
      method: 'POST',
      headers: { ...classicHeaders, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        action: 'launch',
        template_id: '99',
        report_type: 'Policy',
        policy_id: policyId,
        output_format: 'csv',
        report_title: 'PC-Launched test',
      }).toString(),
    });
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(tag(body, 'TEXT')).toEqual(['New report launched']);
    const id = tag(body, 'VALUE')[0]!;
    const state = async () =>
      tag(
        await (await fetch(reportUrl(sim.url, `action=list&id=${id}`), { headers: classicHeaders })).text(),
        'STATE',
      )[0];
    expect(await state()).toBe('Submitted');
    clock += 150;
    expect(await state()).toBe('Running');
    const fetchRunning = await fetch(reportUrl(sim.url, `action=fetch&id=${id}`), {
      headers: classicHeaders,
    });
    expect(fetchRunning.status).toBe(400);
    clock += 150;
    expect(await state()).toBe('Finished');
    const fetched = await fetch(reportUrl(sim.url, `action=fetch&id=${id}`), { headers: classicHeaders });
    const rows = parseCsv(await fetched.text());
    // The real layout names the policy by title only.
    const summary = realCsvSection(rows, 'SUMMARY');
    expect(cellOf(summary.header, summary.rows[0]!, 'Policy Title')).toBe(
      sim.state.estate.policy(policyId)!.title,
    );
  });
});

describe('classic API v2 limits', () => {
  it('issue 3: sends rate and concurrency headers, and answers 409 code 1965 past the rate limit', async () => {
    await withSimulator(
      { classicRateLimit: { requests: 2, perMs: 3_600_000, concurrency: 2 } },
      async (sim) => {
        const first = await fetch(reportUrl(sim.url, 'action=list'), { headers: classicHeaders });
        expect(first.headers.get('x-ratelimit-limit')).toBe('2');
        expect(first.headers.get('x-ratelimit-window-sec')).toBe('3600');
        expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
        expect(first.headers.get('x-concurrency-limit-limit')).toBe('2');
        expect(first.headers.get('x-concurrency-limit-running')).toBe('1');
        await (await fetch(reportUrl(sim.url, 'action=list'), { headers: classicHeaders })).text();
        const blocked = await fetch(reportUrl(sim.url, 'action=list'), { headers: classicHeaders });
        expect(blocked.status).toBe(409);
        const body = await blocked.text();
        expect(tag(body, 'CODE')).toEqual(['1965']);
        expect(tag(body, 'TEXT')[0]).toMatch(/^This API cannot be run again for another /);
        expect(tag(body, 'KEY')).toEqual(['SECONDS_TO_WAIT']);
        expect(Number(tag(body, 'VALUE')[0])).toBeGreaterThan(3500);
        expect(Number(blocked.headers.get('x-ratelimit-towait-sec'))).toBeGreaterThan(3500);
        expect(sim.state.stats.conflicts409).toBe(1);
      },
    );
  });

  it('issue 3: answers 409 code 1960 while too many calls are running', async () => {
    // Through the msw handlers directly: an unread body keeps its call running (loopback
    // socket buffers would otherwise swallow a small report before the test could look).
    // Enough hosts that the report is more than one 64 KiB chunk, so its body stays unread.
    const { handlers, state } = createQualysHandlers({
      estate: { hosts: 60 },
      classicRateLimit: { requests: 100, perMs: 3_600_000, concurrency: 1 },
    });
    const call = (query: string) =>
      getResponse(
        handlers,
        new Request(`https://qualysapi.qualys.com/api/2.0/fo/report/?${query}`, { headers: classicHeaders }),
      );
    const report = state.reports.find(
      (candidate) => candidate.format === 'csv' && candidate.state === 'Finished',
    )!;
    const running = await call(`action=fetch&id=${report.id}`);
    expect(running?.status).toBe(200);
    const blocked = await call('action=list');
    expect(blocked?.status).toBe(409);
    const body = await blocked!.text();
    expect(tag(body, 'CODE')).toEqual(['1960']);
    expect(tag(body, 'TEXT')[0]).toMatch(/^This API cannot be run again until 1 currently running/);
    expect(tag(body, 'KEY')).toEqual(['CALLS_TO_FINISH']);
    expect(blocked!.headers.get('x-concurrency-limit-running')).toBe('1');
    expect(blocked!.headers.get('x-concurrency-limit-limit')).toBe('1');
    await running!.text();
    const after = await call('action=list');
    expect(after?.status).toBe(200);
    expect(state.stats.conflicts409).toBe(1);
  });
});
