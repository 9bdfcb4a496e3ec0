import { policyReportXmlElements } from '@posturesync/qualys-common';
import { describe, expect, it } from 'vitest';
import { createEstate } from '../estate/create-estate.ts';
import { parseEvidenceText } from './evidence-text.ts';
import { generatePolicyReportCsv } from './policy-report-csv.ts';
import { generatePolicyReportXml } from './policy-report-xml.ts';

async function collect(chunks: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const chunk of chunks) text += chunk;
  return text;
}

const estate = createEstate({ seed: 6, hosts: 14, policies: 2, controlsPerPolicy: 6 });
const policyId = estate.policies()[0]!.id;

describe('policy report generators', () => {
  it('issue 11: real-layout template options drop criticality, evidence and exception columns', async () => {
    const csv = await collect(
      generatePolicyReportCsv(estate, {
        title: 't',
        policyId,
        include: { criticality: false, evidence: false, exceptions: false, header: false },
      }),
    );
    expect(csv.startsWith('SUMMARY\r\n')).toBe(true);
    const lines = csv.split('\r\n');
    const headers = lines[lines.indexOf('RESULTS') + 1]!.split(',');
    expect(headers).toEqual([
      'Host IP',
      'DNS Hostname',
      'NetBIOS Hostname',
      'Tracking Method',
      'Operating System',
      'NETWORK',
      'Last Scan Date',
      'Evaluation Date',
      'Control ID',
      'Technology',
      'Control',
      'Instance',
      'Rationale',
      'Status',
      'Remediation',
      'Deprecated',
      'Qualys Host ID',
    ]);
  });

  it('issue 11: the extended template adds OS CPE, Cause of Failure and Previous Status in place', async () => {
    const csv = await collect(
      generatePolicyReportCsv(estate, { title: 't', policyId, include: { extendedColumns: true } }),
    );
    const lines = csv.split('\r\n');
    const headers = lines[lines.indexOf('RESULTS') + 1]!.split(',');
    // The 28 columns of the real file (spec §4) and the extended template's three; counted here, not
    // read from the writer's own table (the pin test checks the names against the fixtures).
    expect(headers).toHaveLength(31);
    expect(headers[headers.indexOf('Operating System') + 1]).toBe('OS CPE');
    expect(headers[headers.indexOf('Exception Comments History') + 1]).toBe('Cause of Failure');
    expect(headers.at(-1)).toBe('Previous Status');
  });

  it('issue 11: a status filter shows fewer RESULTS rows; SUMMARY follows them, Host Statistics does not', async () => {
    const lines = (csv: string) => csv.split('\r\n');
    const section = (csv: string, marker: string, next: string) => {
      const all = lines(csv);
      return all.slice(all.indexOf(marker) + 2, all.indexOf(next));
    };
    const full = await collect(generatePolicyReportCsv(estate, { title: 't', policyId }));
    const failedOnly = await collect(
      generatePolicyReportCsv(estate, { title: 't', policyId, include: { statuses: ['Failed'] } }),
    );
    const failedResults = [...estate.hostIdsForPolicy(policyId)].flatMap((hostId) =>
      [...estate.resultsForHost(policyId, hostId)].filter((result) => result.status === 'Failed'),
    );
    const resultRows = lines(failedOnly).filter((line) => line.startsWith('"10.') || line.startsWith('"52.'));
    const hostStatisticsMarker = 'Host Statistics (Percentage of Controls Passed per Host)';
    expect(section(failedOnly, hostStatisticsMarker, 'ASSET TAGS')).toEqual(
      section(full, hostStatisticsMarker, 'ASSET TAGS'),
    );
    expect(resultRows.length - section(full, hostStatisticsMarker, 'ASSET TAGS').length).toBe(
      failedResults.length,
    );
    const summary = section(failedOnly, 'SUMMARY', hostStatisticsMarker)
      .join('\n')
      .match(/"(\d+)"/g)!
      .map((cell) => cell.replaceAll('"', ''));
    // Controls, Assets, Control Instances, Passed, Failures, Error, Approved, Pending.
    const hosts = new Set(failedResults.map((result) => result.host.hostId)).size;
    expect(summary.slice(-8, -2)).toEqual([
      String(estate.policy(policyId)!.controls.length),
      String(hosts),
      String(failedResults.length),
      '0',
      String(failedResults.length),
      '0',
    ]);

    const none = await collect(
      generatePolicyReportCsv(estate, { title: 't', policyId, include: { statuses: [] } }),
    );
    expect(lines(none).at(-2)).toMatch(/^Host IP,/);
    expect(none).not.toContain('Possible reason for empty report');
  });

  it('issue 3: legacy template options drop the criticality, evidence and exception columns', async () => {
    const csv = await collect(
      generatePolicyReportCsv(estate, {
        title: 't',
        policyId,
        layout: 'legacy',
        include: { criticality: false, evidence: false, exceptions: false, header: false },
      }),
    );
    expect(csv.startsWith('"SUMMARY"')).toBe(true);
    const resultsHeader = csv.split('\r\n')[csv.split('\r\n').indexOf('"RESULTS"') + 1]!;
    const headers = resultsHeader.split('","').map((cell) => cell.replaceAll('"', ''));
    // The 34 columns of wire spec B.5 without 2 criticality, 2 evidence and 7 exception columns.
    expect(headers).toHaveLength(34 - 2 - 2 - 7);
    expect(headers).not.toContain('Criticality Label');
    expect(headers).not.toContain('Evidence');
    expect(headers).not.toContain('Exception Assignee');
    expect(headers).toContain('Status');
  });

  it('issue 3: XML can group results by control, with the same results as by host', async () => {
    const byHost = await collect(generatePolicyReportXml(estate, { title: 't', policyId, format: 'xml' }));
    const byControl = await collect(
      generatePolicyReportXml(estate, { title: 't', policyId, format: 'xml', groupBy: 'control' }),
    );
    expect(byControl).toContain('<RESULTS group_by="control">\n<CONTROL_LIST>');
    const statuses = (xml: string) =>
      // EXCEPTION has its own STATUS child; the result status follows INSTANCE.
      [...xml.slice(xml.indexOf('<RESULTS')).matchAll(/<\/INSTANCE><STATUS>(\w+)<\/STATUS>/g)]
        .map((match) => match[1])
        .sort();
    expect(statuses(byControl)).toEqual(statuses(byHost));
    expect(statuses(byHost).length).toBe(estate.postureRecordCount([policyId]));
  });

  it('uses only element names from policyReportXmlElements for results', async () => {
    const xml = await collect(generatePolicyReportXml(estate, { title: 't', policyId, format: 'xml' }));
    const known = new Set<string>();
    const walk = (value: unknown) => {
      if (typeof value === 'string') known.add(value);
      else if (value && typeof value === 'object') Object.values(value).forEach(walk);
    };
    walk(policyReportXmlElements);
    const used = new Set([...xml.matchAll(/<([A-Z_]+)[ >/]/g)].map((match) => match[1]!));
    for (const name of used) expect(known.has(name), name).toBe(true);
  });

  it('writes evidence the connector can read back with parseEvidenceText', () => {
    const result = [...estate.resultsForHost(policyId, estate.hostIdsForPolicy(policyId)[0]!)][0]!;
    const text = `Expected: ${result.evidence.expected}\nActual: ${result.evidence.actual}`;
    expect(parseEvidenceText(text)).toEqual({
      expected: result.evidence.expected,
      actual: result.evidence.actual,
    });
  });
});
