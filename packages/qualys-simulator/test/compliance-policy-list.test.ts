import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEstate, type RunningSimulator, startQualysSimulator } from '../src/index.ts';
import { classicHeaders, withSimulator } from './helpers.ts';

function tag(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}>([\\s\\S]*?)</${name}>`, 'g'))].map((match) =>
    match[1]!.trim(),
  );
}

const cdataText = (value: string) => value.replace(/^<!\[CDATA\[([\s\S]*)\]\]>$/, '$1');

const policyListPath = '/api/2.0/fo/compliance/policy/';

describe('classic compliance policy list', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startQualysSimulator({
      estate: { seed: 4, hosts: 8, policies: 3, controlsPerPolicy: 3 },
      classicRateLimit: { requests: 100, perMs: 3_600_000, concurrency: 2 },
    });
  });
  afterAll(() => sim.close());

  it('issue 11: GET action=list&details=Basic lists every policy with ID and TITLE under POLICY_LIST_OUTPUT', async () => {
    const response = await fetch(`${sim.url}${policyListPath}?action=list&details=Basic`, {
      headers: classicHeaders,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/xml');
    // Same v2 manners as the report API: rate and concurrency headers.
    expect(response.headers.get('x-ratelimit-limit')).toBe('100');
    expect(response.headers.get('x-concurrency-limit-limit')).toBe('2');
    const xml = await response.text();
    expect(xml).toMatch(/<POLICY_LIST_OUTPUT>\s*<RESPONSE>\s*<DATETIME>[^<]+<\/DATETIME>\s*<POLICY_LIST>/);
    const policies = sim.state.estate.policies();
    const listed = [...xml.matchAll(/<POLICY>([\s\S]*?)<\/POLICY>/g)].map((match) => ({
      id: tag(match[1]!, 'ID')[0],
      title: cdataText(tag(match[1]!, 'TITLE')[0] ?? ''),
    }));
    expect(listed).toEqual(policies.map((policy) => ({ id: policy.id, title: policy.title })));
    expect(xml).toContain('<TAG_SET_INCLUDE><TAG_ITEM_ID>');
    expect(sim.state.stats.requests.compliancePolicyList).toBeGreaterThan(0);
  });

  it('issue 11: POST with form parameters answers the same list; details=None answers an ID_SET', async () => {
    const post = await fetch(`${sim.url}${policyListPath}`, {
      method: 'POST',
      headers: { ...classicHeaders, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'action=list&details=Basic',
    });
    expect(tag(await post.text(), 'ID')).toEqual(sim.state.estate.policies().map((policy) => policy.id));
    const none = await (
      await fetch(`${sim.url}${policyListPath}?action=list&details=None`, { headers: classicHeaders })
    ).text();
    expect(none).toContain('<ID_SET>');
    expect(none).not.toContain('<POLICY>');
    expect(tag(none, 'ID').sort()).toEqual(
      sim.state.estate
        .policies()
        .map((policy) => policy.id)
        .sort(),
    );
  });

  it('issue 11: filters by ids and refuses a bad action, details or ids with a SIMPLE_RETURN', async () => {
    const [first] = sim.state.estate.policies();
    const one = await (
      await fetch(`${sim.url}${policyListPath}?action=list&ids=${first!.id}`, { headers: classicHeaders })
    ).text();
    expect(tag(one, 'ID')).toEqual([first!.id]);
    for (const [query, code] of [
      ['details=Basic', '1903'],
      ['action=delete', '1905'],
      ['action=list&details=Everything', '1905'],
      ['action=list&ids=12,abc', '1905'],
    ] as const) {
      const response = await fetch(`${sim.url}${policyListPath}?${query}`, { headers: classicHeaders });
      expect(response.status, query).toBe(400);
      expect(tag(await response.text(), 'CODE'), query).toEqual([code]);
    }
  });

  it('issue 11: needs X-Requested-With and credentials like every v2 call', async () => {
    const noHeader = await fetch(`${sim.url}${policyListPath}?action=list`, {
      headers: { authorization: classicHeaders.authorization },
    });
    expect(noHeader.status).toBe(400);
    const noAuth = await fetch(`${sim.url}${policyListPath}?action=list`, {
      headers: { 'x-requested-with': 't' },
    });
    expect(noAuth.status).toBe(401);
    expect(tag(await noAuth.text(), 'CODE')).toEqual(['2000']);
  });

  it('issue 11: takes faults under the compliancePolicyList endpoint', async () => {
    sim.state.setFaults([
      { endpoint: 'compliancePolicyList', kind: 'status503' },
      { endpoint: 'compliancePolicyList', kind: 'malformedXml', afterCalls: 1 },
    ]);
    const url = `${sim.url}${policyListPath}?action=list`;
    expect((await fetch(url, { headers: classicHeaders })).status).toBe(503);
    const garbled = await (await fetch(url, { headers: classicHeaders })).text();
    expect(garbled).toMatch(/<BROKEN><$/);
    expect((await fetch(url, { headers: classicHeaders })).status).toBe(200);
    sim.state.setFaults([]);
  });
});

describe('extra compliance policies', () => {
  it('issue 11: a seeded duplicate title is listed (for the ambiguity error) but unknown to PCRS and reports', async () => {
    const estate = createEstate({ seed: 4, hosts: 4, policies: 2 });
    const title = estate.policies()[0]!.title;
    await withSimulator(
      { estate, classicRateLimit: false, extraCompliancePolicies: [{ id: '9999001', title }] },
      async (sim) => {
        const xml = await (
          await fetch(`${sim.url}${policyListPath}?action=list&details=Basic`, { headers: classicHeaders })
        ).text();
        const titles = tag(xml, 'TITLE').map(cdataText);
        expect(titles.filter((candidate) => candidate === title)).toHaveLength(2);
        expect(tag(xml, 'ID')).toContain('9999001');
        expect(sim.state.estate.policy('9999001')).toBeUndefined();
      },
    );
  });
});
