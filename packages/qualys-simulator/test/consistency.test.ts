import { describe, expect, it } from 'vitest';
import { createEstate } from '../src/index.ts';
import {
  classicHeaders,
  csvSection,
  decodeRecords,
  login,
  parseCsv,
  postureInfo,
  resolveHostIds,
  withSimulator,
} from './helpers.ts';

type Key = string;

function xmlResultKeys(xml: string, qgByHostId: Map<string, string>): Key[] {
  const keys: Key[] = [];
  const results = xml.slice(xml.indexOf('<RESULTS'));
  for (const host of results.matchAll(/<HOST>([\s\S]*?)<\/HOST>/g)) {
    const body = host[1]!;
    const hostId = /<HOST_ID>(\d+)<\/HOST_ID>/.exec(body)![1]!;
    for (const control of body.matchAll(/<CONTROL>([\s\S]*?)<\/CONTROL>/g)) {
      const text = control[1]!;
      const cid = /<CID>(\d+)<\/CID>/.exec(text)![1];
      const technology = /<TECHNOLOGY><ID>\d+<\/ID><NAME><!\[CDATA\[(.*?)\]\]><\/NAME><\/TECHNOLOGY>/.exec(
        text,
      )![1];
      const instance = /<INSTANCE><!\[CDATA\[(.*?)\]\]><\/INSTANCE>/.exec(text)![1];
      const status = /<STATUS>(\w+)<\/STATUS>/.exec(text)![1];
      keys.push([qgByHostId.get(hostId), cid, technology, instance, status].join('|'));
    }
  }
  return keys.sort();
}

describe('PCRS and Policy Reports describe the same estate', () => {
  it('issue 3: same hosts and same pass/fail/error per host x control x technology x instance', async () => {
    const estate = createEstate({ seed: 21, hosts: 30, policies: 3, controlsPerPolicy: 7 });
    const policies = estate.policies();
    const reports = policies.flatMap((policy, index) => [
      { id: String(100 + index * 2), title: `csv ${policy.id}`, policyId: policy.id, format: 'csv' as const },
      { id: String(101 + index * 2), title: `xml ${policy.id}`, policyId: policy.id, format: 'xml' as const },
    ]);
    await withSimulator({ estate, reports, pcrsRateLimit: false, classicRateLimit: false }, async (sim) => {
      const token = await login(sim.url);
      for (const [index, policy] of policies.entries()) {
        const body = await resolveHostIds(sim.url, token, [policy.id]);
        const records = decodeRecords((await postureInfo(sim.url, token, body)).bytes, true);
        const pcrsKeys = records
          .map((record) =>
            [
              record.qgHostid,
              record.controlId,
              (record.technology as { name: string }).name,
              record.instance,
              record.status,
            ].join('|'),
          )
          .sort();
        expect(pcrsKeys.length).toBeGreaterThan(0);

        const csv = await (
          await fetch(`${sim.url}/api/2.0/fo/report/?action=fetch&id=${100 + index * 2}`, {
            headers: classicHeaders,
          })
        ).text();
        const rows = parseCsv(csv);
        const results = csvSection(rows, 'RESULTS');
        const column = (name: string) => results.header.indexOf(name);
        const csvKeys = results.rows
          .map((row) =>
            [
              row[column('Qualys Host ID')],
              row[column('Control ID')],
              row[column('Technology')],
              row[column('Instance')],
              row[column('Status')],
            ].join('|'),
          )
          .sort();
        expect(csvKeys).toEqual(pcrsKeys);

        const hostStatistics = csvSection(rows, 'Host Statistics')
          .rows.map((row) => row[8])
          .sort();
        expect(hostStatistics).toEqual([...body[0]!.hostIds].sort());
        const summary = csvSection(rows, 'SUMMARY').rows[0]!;
        const count = (status: string) => records.filter((record) => record.status === status).length;
        expect(summary[13]).toMatch(new RegExp(`^${count('Passed')}\\(`));
        expect(summary[14]).toMatch(new RegExp(`^${count('Failed')}\\(`));
        expect(summary[15]).toMatch(new RegExp(`^${count('Error')}\\(`));

        const xml = await (
          await fetch(`${sim.url}/api/2.0/fo/report/?action=fetch&id=${101 + index * 2}`, {
            headers: classicHeaders,
          })
        ).text();
        const qgByHostId = new Map(records.map((record) => [String(record.hostId), String(record.qgHostid)]));
        expect(xmlResultKeys(xml, qgByHostId)).toEqual(pcrsKeys);
      }
    });
  });

  it('issue 3: the same seed gives byte-identical responses; another seed does not', async () => {
    const fetchAll = (seed: number) =>
      withSimulator(
        { estate: { seed, hosts: 12 }, pcrsRateLimit: false, classicRateLimit: false },
        async (sim) => {
          const token = await login(sim.url);
          const policyId = sim.state.estate.policies()[0]!.id;
          const body = await resolveHostIds(sim.url, token, [policyId]);
          const posture = (await postureInfo(sim.url, token, body, '?evidenceRequired=1')).bytes;
          const report = sim.state.reports.find(
            (candidate) => candidate.format === 'csv' && candidate.state === 'Finished',
          )!;
          const csv = Buffer.from(
            await (
              await fetch(`${sim.url}/api/2.0/fo/report/?action=fetch&id=${report.id}`, {
                headers: classicHeaders,
              })
            ).arrayBuffer(),
          );
          return { posture, csv };
        },
      );
    const first = await fetchAll(9);
    const second = await fetchAll(9);
    const other = await fetchAll(10);
    expect(second.posture.equals(first.posture)).toBe(true);
    expect(second.csv.equals(first.csv)).toBe(true);
    expect(other.posture.equals(first.posture)).toBe(false);
    expect(other.csv.equals(first.csv)).toBe(false);
  });
});
