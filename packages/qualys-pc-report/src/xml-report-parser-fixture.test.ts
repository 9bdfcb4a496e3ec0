import { describe, expect, it } from 'vitest';
import { fixtureStream } from '../test/fixtures.ts';
import { ReportMapper } from './map-report.ts';
import type { ReportItem } from './report-records.ts';
import { parsePolicyReportXml } from './xml-report-parser.ts';

/**
 * The XML layout is a best guess (wire-formats B.6). The simulator writes it from the shared
 * element table and this parser reads it from the same table, so a round trip alone would pass
 * whatever the table said. This test reads a hand-written file instead (test/fixtures/policy-report.xml).
 */
describe('parsePolicyReportXml on the hand-written best-guess fixture', () => {
  it('reads header, policy, statistics, tags and results grouped by host', async () => {
    const items: ReportItem[] = [];
    for await (const item of parsePolicyReportXml(fixtureStream('policy-report.xml'), { reportId: '42' })) {
      items.push(item);
    }
    const kinds = items.map((item) => item.kind);
    expect(kinds.filter((kind) => kind === 'result')).toHaveLength(3);
    expect(kinds.filter((kind) => kind === 'control')).toHaveLength(2);
    expect(kinds.filter((kind) => kind === 'host')).toHaveLength(2);
    const header = items.find((item) => item.kind === 'header');
    expect(header?.fields).toMatchObject({
      title: 'PC-Weekly CIS Windows Server 2019',
      company: 'Acme Pty Ltd',
      userLogin: 'acme_ja12',
      userRole: 'Manager',
    });
    const policy = items.find((item) => item.kind === 'policy');
    expect(policy?.fields).toMatchObject({
      policyId: '1234567',
      title: 'CIS Benchmark for Windows Server 2019',
      controlInstances: '3',
      passed: '2',
      failed: '1',
    });

    const mapper = new ReportMapper({ sourceName: 'QUALYSPC', network: 'default', reportId: '42' });
    for (const item of items) mapper.accept(item);
    const batch = mapper.finish();
    expect(batch.rejects).toEqual([]);
    expect(mapper.shortfalls()).toEqual([]);
    expect(
      batch.violations.map((violation) => [
        violation.hostUid,
        violation.policyUid,
        violation.controlId,
        violation.status,
        violation.expectedValue,
        violation.actualValue,
        violation.lastEvaluated,
      ]),
    ).toEqual([
      ['31001', '1234567', '1071', 'passed', 'Disabled', 'Disabled', '2022-10-01T13:30:00.000Z'],
      ['31001', '1234567', '1072', 'failed', 'greater than or equal to 14', '8', '2022-10-01T16:30:00.000Z'],
      ['31002', '1234567', '1071', 'passed', null, null, '2022-10-01T12:05:40.000Z'],
    ]);
    expect(batch.violations[1]).toMatchObject({
      technologyId: '91',
      causeOfFailure: { missing: { logic: 'ALL', values: ['14'] }, unexpected: null },
      exception: {
        status: 'Approved',
        endDate: '2022-12-31T23:00:00.000Z',
        comments: 'Accepted until the legacy app moves.',
      },
    });
    expect(batch.hosts.find((host) => host.uid === '31001')?.tags).toEqual(['Windows', 'Web Servers']);
  });
});
