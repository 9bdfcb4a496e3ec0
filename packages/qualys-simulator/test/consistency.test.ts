import { describe, expect, it } from 'vitest';
import { createEstate } from '../src/index.ts';
import {
  cellOf,
  classicHeaders,
  decodeRecords,
  login,
  parseCsv,
  postureInfo,
  realCsvSection,
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
  it('issue 3, issue 11: same hosts and same pass/fail/error per host x control x technology x instance', async () => {
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
        const results = realCsvSection(rows, 'RESULTS');
        const csvKeys = results.rows
          .map((row) =>
            ['Qualys Host ID', 'Control ID', 'Technology', 'Instance', 'Status']
              .map((name) => cellOf(results.header, row, name))
              .join('|'),
          )
          .sort();
        expect(csvKeys).toEqual(pcrsKeys);

        // Issue 11: the same host identities as postureInfo, so one estate synced through both
        // connectors lines up host by host.
        const hostStatistics = realCsvSection(
          rows,
          'Host Statistics (Percentage of Controls Passed per Host)',
        );
        const identity = (cells: Array<string | null | undefined>) =>
          cells.map((cell) => cell ?? '').join('|');
        const reportHosts = hostStatistics.rows
          .map((row) =>
            identity(
              ['Host ID', 'Qualys Host ID', 'IP Address', 'DNS Name', 'Netbios Name', 'Tracking Method'].map(
                (name) => cellOf(hostStatistics.header, row, name),
              ),
            ),
          )
          .sort();
        const pcrsHosts = [
          ...new Set(
            records.map((record) =>
              identity(
                [
                  record.hostId,
                  record.qgHostid,
                  record.ip,
                  record.dns,
                  record.netBios,
                  record.trackingMethod,
                ].map((value) => (value === null || value === undefined ? '' : String(value))),
              ),
            ),
          ),
        ].sort();
        expect(reportHosts).toEqual(pcrsHosts);
        expect(
          hostStatistics.rows.map((row) => cellOf(hostStatistics.header, row, 'Host ID')).sort(),
        ).toEqual([...body[0]!.hostIds].sort());
        const summary = realCsvSection(rows, 'SUMMARY');
        const count = (status: string) => String(records.filter((record) => record.status === status).length);
        const total = (name: string) => cellOf(summary.header, summary.rows[0]!, name);
        expect(total('Passed')).toBe(count('Passed'));
        expect(total('Failures')).toBe(count('Failed'));
        expect(total('Error')).toBe(count('Error'));
        expect(total('Control Instances')).toBe(String(records.length));

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
