import { describe, expect, it } from 'vitest';
import { fixtureStream, fixtureText } from '../test/fixtures.ts';
import { parsePolicyReportCsv } from './csv-report-parser.ts';
import type { ReportItem } from './report-records.ts';

interface LogLine {
  level: 'debug' | 'info';
  message: string;
}

async function parse(
  input: Parameters<typeof fixtureStream>[0],
): Promise<{ items: ReportItem[]; logs: LogLine[] }> {
  const logs: LogLine[] = [];
  const logger = {
    debug: (message: string) => logs.push({ level: 'debug', message }),
    info: (message: string) => logs.push({ level: 'info', message }),
  };
  const items: ReportItem[] = [];
  for await (const item of parsePolicyReportCsv(fixtureStream(input), { reportId: '42', logger }))
    items.push(item);
  return { items, logs };
}

function only<K extends ReportItem['kind']>(
  items: ReportItem[],
  kind: K,
): Extract<ReportItem, { kind: K }>[] {
  return items.filter((item): item is Extract<ReportItem, { kind: K }> => item.kind === kind);
}

describe('parsePolicyReportCsv on real-layout fixtures (spec/policy-report-csv-real.md)', () => {
  it('reads the real header block, SUMMARY without a policy ID, Host Statistics, ASSET TAGS and RESULTS', async () => {
    const { items, logs } = await parse('real-layout-results.csv');
    expect(items.map((item) => item.kind)).toEqual([
      'header',
      'policy',
      'host',
      'host',
      'host',
      'hostTags',
      'hostTags',
      'hostTags',
      ...Array(6).fill('result'),
    ]);
    expect(logs).toEqual([]);
    const [header] = only(items, 'header');
    expect(header?.fields).toEqual({
      title: 'PC-Weekly CIS Windows Server 2019',
      generatedAt: '10/03/2022 at 09:15:00 (GMT+1100)',
      company: 'Acme Pty Ltd',
      userName: 'Jane Analyst',
      userLogin: 'acme_ja12',
      userRole: 'Manager',
    });
    const [policy] = only(items, 'policy');
    expect(policy?.fields).toMatchObject({
      policyId: null,
      title: 'CIS Benchmark for Windows Server 2019',
      locked: 'Unlocked',
      modifiedDate: '09/12/2022 at 23:41:25 (GMT+1000)',
      lastEvaluated: '10/02/2022 at 03:45:00 (GMT+1100)',
      assetTags: 'Included(all): windows;\nExcluded(any);',
      agentIps: 'No',
      controls: '3',
      assets: '2',
      controlInstances: '6',
      passed: '3',
      failed: '2',
      error: '1',
    });
    const hosts = only(items, 'host');
    expect(hosts.map((host) => [host.fields.ip, host.fields.sourceHostId, host.fields.hostId])).toEqual([
      ['10.20.0.11', '3f1c2a9e-0b7d-4c55-9e3a-1a2b3c4d5e01', '31001'],
      ['10.20.0.12', '3f1c2a9e-0b7d-4c55-9e3a-1a2b3c4d5e02', '31002'],
      ['10.20.0.13', '3f1c2a9e-0b7d-4c55-9e3a-1a2b3c4d5e03', '31003'],
    ]);
    expect(hosts[0]?.fields).toMatchObject({
      trackingMethod: 'AGENT',
      dns: 'web01.acme.example',
      netbios: 'WEB01',
      lastScanDate: '10/02/2022 at 03:29:58 (GMT+1100)',
      percentage: '67% (2 of 3)',
    });
    expect(only(items, 'hostTags')[2]).toMatchObject({ ip: '10.20.0.13', tags: ['Windows', 'Databases'] });
    const results = only(items, 'result');
    expect(results.map((result) => [result.fields.controlId, result.fields.status])).toEqual([
      ['1071', 'Passed'],
      ['1072', 'Failed'],
      ['2345', 'Passed'],
      ['1071', 'Passed'],
      ['1072', 'Failed'],
      ['2345', 'Error'],
    ]);
    const failed = results[1]?.fields;
    expect(failed).toMatchObject({
      ip: '10.20.0.11',
      network: 'Global Default Network',
      statement: 'Status of the "Minimum password length" setting',
      criticalityLabel: 'CRITICAL',
      criticalityValue: '5',
      instance: 'os',
      rationale: 'Short passwords are easy to guess.\nLonger passwords resist brute force.',
      exceptionStatus: 'Approved',
      exceptionEndDate: '12/31/2022 at 18:00:00 (GMT-0500)',
      exceptionComments: 'Accepted until the legacy app moves.\nReviewed by the security team.',
      sourceHostId: '3f1c2a9e-0b7d-4c55-9e3a-1a2b3c4d5e01',
      policyId: null,
      hostId: null,
    });
    expect(failed?.evidence).toBe(
      '======Expected Value======\ngreater than or equal to 14\n======Current Value - Last updated:10/02/2022 at 03:30:00 (GMT+1100)======\n8',
    );
    // Bare empty cells are absent values.
    expect(results[5]?.fields).toMatchObject({
      evaluationDate: null,
      evidence: null,
      exceptionAssignee: null,
    });
  });

  it('reads the header-only real file: one policy with zero counts, one host, no results', async () => {
    const { items } = await parse('header-only.csv');
    expect(items.map((item) => item.kind)).toEqual(['header', 'policy', 'host']);
    expect(only(items, 'policy')[0]?.fields).toMatchObject({
      title: 'TestUDC',
      ips: 'N/A',
      technologies: 'Windows 10',
      controlInstances: '0',
      passed: '0',
      failed: '0',
      error: '0',
    });
    expect(only(items, 'host')[0]?.fields).toMatchObject({
      ip: '192.168.1.102',
      os: 'Microsoft Windows 10 Pro 10.0.19044 64-bit N/A Build 19044',
      percentage: '100% (1 of 1)',
      sourceHostId: 'd12f55c9-7fad-4715-89d1-141e525e9383',
      hostId: '62375',
    });
  });

  it('reads an empty report and passes on its "Possible reason for empty report"', async () => {
    const { items, logs } = await parse('empty-report.csv');
    expect(items.map((item) => item.kind)).toEqual(['header', 'policy']);
    expect(logs).toEqual([
      {
        level: 'info',
        message: `Qualys gives a possible reason for the empty report: "No host in the report's asset groups or tags has been evaluated against this policy."`,
      },
    ]);
  });

  it('reads a template without evidence, exception or criticality columns, reordered, with blank lines and a quoted marker', async () => {
    const { items } = await parse('no-evidence-no-exceptions.csv');
    expect(items.map((item) => item.kind)).toEqual([
      'header',
      'policy',
      'host',
      'host',
      ...Array(4).fill('result'),
    ]);
    const results = only(items, 'result');
    expect(results[2]?.fields).toMatchObject({
      controlId: '3001',
      ip: '10.30.0.22',
      dns: null,
      os: 'Red Hat Enterprise Linux 8.6',
      osCpe: null,
      statement: 'Status of the "/tmp" mount options',
      status: 'Failed',
      causeOfFailure: 'nodev is missing\nnosuid is missing',
      previousStatus: 'Failed',
      evidence: null,
      criticalityLabel: null,
      exceptionStatus: null,
      exceptionComments: null,
      sourceHostId: '9b0e7c1d-1111-4a2b-8c3d-000000000022',
    });
    expect(results[0]?.fields.osCpe).toBe('cpe:/o:redhat:enterprise_linux:8.6');
  });

  it('skips an unknown section with one debug line and ignores columns it does not know', async () => {
    const added = fixtureText('no-evidence-no-exceptions.csv')
      .replace('Control ID,Host IP', 'Future Column,Control ID,Host IP')
      .replaceAll('\r\n"300', '\r\n"x","300');
    const { items, logs } = await parse(Buffer.from(added));
    expect(only(items, 'result')).toHaveLength(4);
    expect(only(items, 'result')[1]?.fields.controlId).toBe('3002');
    const unknown = fixtureText('no-evidence-no-exceptions.csv').replace(
      '\r\n"RESULTS"',
      '\r\nCOMPLIANCE TRENDS\r\nWeek,Passed\r\n"1","2"\r\n"RESULTS"',
    );
    const second = await parse(Buffer.from(unknown));
    expect(only(second.items, 'result')).toHaveLength(4);
    expect(second.logs).toEqual([
      {
        level: 'debug',
        message: 'Policy report CSV line 14: skipping the unknown section "COMPLIANCE TRENDS"',
      },
    ]);
    expect(logs).toEqual([]);
  });
});
