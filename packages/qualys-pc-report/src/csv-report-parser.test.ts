import { Readable } from 'node:stream';
import { BadResponseError } from '@posturesync/core';
import { describe, expect, it } from 'vitest';
import { parsePolicyReportCsv } from './csv-report-parser.ts';
import type { ReportItem } from './report-records.ts';

const fullHeader =
  'IP,DNS Hostname,NetBIOS Hostname,Tracking Method,Operating System,Network,Last Scan Date,Evaluation Date,Control ID,Control References,Technology,Control,Criticality Label,Criticality Value,Instance,Rationale,Status,Remediation,Deprecated,Evidence,Exception Assignee,Exception Status,Exception End Date,Exception Creator,Exception Created Date,Exception Modifier,Exception Modified Date,Cause of Failure,Qualys Host ID,Previous Status,First Fail Date,Last Fail Date,First Pass Date,Last Pass Date';
const date = '06/25/2026 at 11:37:18 (GMT+0700)';

function report(rows: string[]): Readable {
  // Split into small chunks so rows and quoted cells cross chunk boundaries.
  const text = rows.join('\r\n');
  const chunks: Buffer[] = [];
  for (let index = 0; index < text.length; index += 17)
    chunks.push(Buffer.from(text.slice(index, index + 17)));
  return Readable.from(chunks);
}

async function collect(input: Readable): Promise<ReportItem[]> {
  const items: ReportItem[] = [];
  for await (const item of parsePolicyReportCsv(input, { reportId: '42' })) items.push(item);
  return items;
}

const preamble = [`"PC-Weekly CIS","${date}"`, '"ACME Corp"', '"Demo User","acme_ab12"', '', ''];
const summary = ['"SUMMARY"', '"Policy ID","Policy","Policy Locking"', '"1234567","CIS Win","Locked"', ''];

describe('parsePolicyReportCsv', () => {
  it('reads every section, with multi-line quoted cells and tags in one cell', async () => {
    const items = await collect(
      report([
        ...preamble,
        ...summary,
        '"Control Statistics (1 controls)"',
        '"Order No","CID","Deprecated","Statement","Criticality Label","Criticality Value","Percentage"',
        '"1","1001","0","Min password length","URGENT","5","50% (1 of 2)"',
        '',
        '"Host Statistics (1 hosts)"',
        '"IP","Tracking Method","DNS","NetBIOS","Operating System","Last Scan Date","Percentage","Qualys Host ID","Host ID"',
        `"10.0.0.1","IP","h1.example.com","H1","Windows","${date}","50%","qg-1","3000000001"`,
        '',
        'ASSET TAGS',
        '10.0.0.1,"Cloud, ""Prod"" Servers"',
        '',
        'RESULTS',
        fullHeader,
        `10.0.0.1,h1.example.com,H1,IP,Windows,Global,${date},${date},1001,1.1.4,Windows Server 2019,"Min password length",URGENT,5,os,"Why","Failed","How","0","Expected: >= 14`,
        `Actual: 8",,,,,,,,"Missing (ALL): a, b",qg-1,Passed,${date},${date},,`,
      ]),
    );
    expect(items.map((item) => item.kind)).toEqual([
      'header',
      'policy',
      'control',
      'host',
      'hostTags',
      'result',
    ]);
    const [header, policy, , host, tags, result] = items;
    expect(header).toMatchObject({
      fields: { title: 'PC-Weekly CIS', company: 'ACME Corp', userLogin: 'acme_ab12' },
    });
    expect(policy).toMatchObject({ fields: { policyId: '1234567', title: 'CIS Win', locked: 'Locked' } });
    expect(host).toMatchObject({
      fields: { ip: '10.0.0.1', os: 'Windows', hostId: '3000000001', sourceHostId: 'qg-1' },
    });
    expect(tags).toMatchObject({ kind: 'hostTags', ip: '10.0.0.1' });
    expect(tags?.kind === 'hostTags' && tags.tags.length).toBe(2);
    expect(result).toMatchObject({
      kind: 'result',
      fields: {
        controlId: '1001',
        status: 'Failed',
        evidence: 'Expected: >= 14\nActual: 8',
        causeOfFailure: 'Missing (ALL): a, b',
        previousStatus: 'Passed',
        firstPassDate: null,
      },
    });
    // The record starts on its first line even though its evidence spans two.
    const resultLine = preamble.length + summary.length + 13;
    expect(result?.position.line).toBe(resultLine + 1);
  });

  it('maps columns by header text, so templates without criticality or evidence give nulls', async () => {
    const header = 'IP,Control ID,Technology,Instance,Status,Qualys Host ID';
    const items = await collect(report([...summary, 'RESULTS', header, '10.0.0.1,1001,Win,os,Passed,qg-1']));
    const result = items.find((item) => item.kind === 'result');
    expect(result?.kind === 'result' && result.fields).toMatchObject({
      ip: '10.0.0.1',
      controlId: '1001',
      status: 'Passed',
      sourceHostId: 'qg-1',
      criticalityValue: null,
      evidence: null,
      exceptionStatus: null,
    });
  });

  it('falls back to the spec column order when no header cell is recognised', async () => {
    const unknownHeader = Array.from({ length: 34 }, (_, index) => `c${index}`).join(',');
    const cells = Array.from({ length: 34 }, () => '');
    cells[0] = '10.0.0.9';
    cells[8] = '2002';
    cells[16] = 'Error';
    const items = await collect(report([...summary, 'RESULTS', unknownHeader, cells.join(',')]));
    const result = items.find((item) => item.kind === 'result');
    expect(result?.kind === 'result' && result.fields).toMatchObject({
      ip: '10.0.0.9',
      controlId: '2002',
      status: 'Error',
    });
  });

  it('issue 5: a malformed CSV fails with the report ID and the line', async () => {
    const error = await collect(report([...summary, 'RESULTS', fullHeader, '10.0.0.1,"unterminated'])).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(BadResponseError);
    expect((error as Error).message).toMatch(/Policy report 42 is not valid CSV at CSV line \d+/);
  });

  it('issue 6: a quote that never closes fails at the record-size bound instead of buffering the report', async () => {
    const rows = [
      ...preamble,
      ...summary,
      '"RESULTS"',
      fullHeader,
      `"10.0.0.1","host-1","${'x'.repeat(5000)}`,
    ];
    const items: ReportItem[] = [];
    const error = await (async () => {
      for await (const item of parsePolicyReportCsv(report(rows), { reportId: '42', maxRecordChars: 1000 }))
        items.push(item);
    })().catch((e) => e);
    expect(error).toBeInstanceOf(BadResponseError);
    expect(error.message).toMatch(/^Policy report 42 is not valid CSV at CSV line \d+/);
    expect(error.details).toMatchObject({ reportId: '42', format: 'csv' });
    expect(items.every((item) => item.kind !== 'result')).toBe(true);
  });

  it('rejects a file that is not a policy report', async () => {
    await expect(collect(report(['just,some', 'text']))).rejects.toThrow(/no SUMMARY or RESULTS section/);
  });
});
