import { Readable } from 'node:stream';
import { BadResponseError } from '@posturesync/core';
import { describe, expect, it } from 'vitest';
import type { ReportItem } from './report-records.ts';
import { parsePolicyReportXml } from './xml-report-parser.ts';

function chunked(text: string, size = 23): Readable {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let index = 0; index < bytes.length; index += size) chunks.push(bytes.subarray(index, index + size));
  return Readable.from(chunks);
}

async function collect(text: string): Promise<ReportItem[]> {
  const items: ReportItem[] = [];
  for await (const item of parsePolicyReportXml(chunked(text), { reportId: '77' })) items.push(item);
  return items;
}

const head = `<?xml version="1.0" encoding="UTF-8" ?>
<!DOCTYPE POLICY_REPORT SYSTEM "https://qualysapi.qualys.com/api/2.0/fo/report/policy/policy_report.dtd">
<POLICY_REPORT><HEADER><TITLE><![CDATA[PC-Weekly]]></TITLE><UNKNOWN_THING><X>1</X></UNKNOWN_THING></HEADER>
<SUMMARY><POLICY><ID>123</ID><TITLE><![CDATA[CIS – Ünïcode]]></TITLE></POLICY></SUMMARY>`;

const control = (status: string) =>
  `<CID>1001</CID><STATEMENT><![CDATA[Min <length>]]></STATEMENT><CRITICALITY><LABEL>URGENT</LABEL><VALUE>5</VALUE></CRITICALITY><TECHNOLOGY><ID>253</ID><NAME>Win 2019</NAME></TECHNOLOGY><INSTANCE>os</INSTANCE><STATUS>${status}</STATUS><EVIDENCE><EXPECTED>14</EXPECTED><ACTUAL>8</ACTUAL></EVIDENCE><CAUSE_OF_FAILURE><MISSING logic="ALL"><V>a</V><V>b</V></MISSING></CAUSE_OF_FAILURE><FUTURE_FIELD>ignored</FUTURE_FIELD>`;
const host = (ip: string) =>
  `<IP network_id="0">${ip}</IP><DNS><![CDATA[h.example.com]]></DNS><HOST_ID>300</HOST_ID><ASSET_TAGS><ASSET_TAG>A</ASSET_TAG><ASSET_TAG>B</ASSET_TAG></ASSET_TAGS>`;

describe('parsePolicyReportXml', () => {
  it('reads results grouped by host, merging host fields into each control', async () => {
    const items = await collect(
      `${head}<RESULTS group_by="host"><HOST_LIST><HOST>${host('10.0.0.1')}<CONTROL_LIST><CONTROL>${control('Failed')}</CONTROL></CONTROL_LIST></HOST></HOST_LIST></RESULTS></POLICY_REPORT>`,
    );
    expect(items.map((item) => item.kind)).toEqual(['header', 'policy', 'result']);
    expect(items[1]).toMatchObject({ fields: { policyId: '123', title: 'CIS – Ünïcode' } });
    const result = items[2];
    expect(result?.kind === 'result' && result.fields).toMatchObject({
      ip: '10.0.0.1',
      hostId: '300',
      controlId: '1001',
      statement: 'Min <length>',
      criticalityValue: '5',
      technology: 'Win 2019',
      technologyId: '253',
      status: 'Failed',
      expectedValue: '14',
      actualValue: '8',
      causeOfFailure: 'Missing (ALL): a, b',
    });
    expect(result?.kind === 'result' && result.tags).toEqual(['A', 'B']);
  });

  it('reads results grouped by control the same way', async () => {
    const items = await collect(
      `${head}<RESULTS group_by="control"><CONTROL_LIST><CONTROL>${control('Passed')}<HOST_LIST><HOST>${host('10.0.0.2')}<STATUS>Error</STATUS></HOST></HOST_LIST></CONTROL></CONTROL_LIST></RESULTS></POLICY_REPORT>`,
    );
    const results = items.filter((item) => item.kind === 'result');
    expect(results).toHaveLength(1);
    // The result's own status (inside HOST here) wins over the group's.
    expect(results[0]?.kind === 'result' && results[0].fields).toMatchObject({
      ip: '10.0.0.2',
      controlId: '1001',
      status: 'Error',
    });
  });

  it('issue 5: a malformed report fails naming the report ID, line and column', async () => {
    const error = await collect(`${head}<RESULTS><HOST_LIST><HOST>${host('10.0.0.1')}</HOST_BROKEN>`).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(BadResponseError);
    expect((error as Error).message).toMatch(
      /^Policy report 77 is not well-formed XML at line 4, column \d+: /,
    );
  });

  it('rejects a truncated report instead of treating it as complete', async () => {
    await expect(collect(`${head}<RESULTS><HOST_LIST>`)).rejects.toThrow(/not well-formed XML/);
  });

  it('does not expand entities from an internal DTD subset', async () => {
    const hostile = `<?xml version="1.0"?><!DOCTYPE POLICY_REPORT [<!ENTITY x "xxxxxxxx"><!ENTITY y "&x;&x;&x;&x;">]><POLICY_REPORT><HEADER><TITLE>&y;</TITLE></HEADER></POLICY_REPORT>`;
    await expect(collect(hostile)).rejects.toThrow(BadResponseError);
  });

  it('issue 7: sections, nested groups, look-alike elements and positions are tracked as before', async () => {
    const controlOf = (status: string) =>
      `<CID>1001</CID><STATUS>${status}</STATUS><CRITICALITY><LABEL>URGENT</LABEL><VALUE>5</VALUE></CRITICALITY>`;
    const items = await collect(`<?xml version="1.0" encoding="UTF-8" ?>
<POLICY_REPORT><HEADER><TITLE><![CDATA[PC-Weekly]]></TITLE></HEADER>
<SUMMARY><POLICY><ID>123</ID><TITLE>T</TITLE></POLICY></SUMMARY>
<HOST_STATISTICS><HOST><IP>10.0.0.9</IP><DNS>stat.example</DNS></HOST></HOST_STATISTICS>
<CONTROL_STATISTICS><CONTROL><CID>1001</CID><STATEMENT>S</STATEMENT></CONTROL></CONTROL_STATISTICS>
<ASSET_TAG_LIST><HOST><IP>10.0.0.1</IP><ASSET_TAGS><ASSET_TAG>T1</ASSET_TAG></ASSET_TAGS></HOST></ASSET_TAG_LIST>
<RESULTS group_by="host"><HOST_LIST>
<HOST><IP network_id="7">10.0.0.1</IP><HOST_ID>300</HOST_ID><NOTE><RESULTS>nested</RESULTS></NOTE><CONTROL_LIST><CONTROL>${controlOf('Failed')}</CONTROL>
<CONTROL>${controlOf('Passed')}</CONTROL></CONTROL_LIST></HOST>
<HOST><IP>10.0.0.3</IP></HOST>
</HOST_LIST></RESULTS>
<HOST><IP>10.0.0.4</IP></HOST>
<RESULTS group_by="control"><CONTROL_LIST><CONTROL>${controlOf('Passed')}<HOST_LIST><HOST><IP>10.0.0.5</IP><STATUS>Error</STATUS></HOST></HOST_LIST></CONTROL></CONTROL_LIST></RESULTS>
</POLICY_REPORT>`);
    // A RESULTS element inside a host is data, not a section; a HOST outside every section is ignored.
    expect(items.map((item) => item.kind)).toEqual([
      'header',
      'policy',
      'host',
      'control',
      'hostTags',
      'result',
      'result',
      'host',
      'result',
    ]);
    expect(items.map((item) => item.position)).toEqual([
      { line: 2, column: 23 },
      { line: 3, column: 17 },
      { line: 4, column: 23 },
      { line: 5, column: 29 },
      { line: 6, column: 22 },
      { line: 8, column: 121 },
      { line: 9, column: 9 },
      { line: 10, column: 6 },
      { line: 13, column: 170 },
    ]);
    const results = items.flatMap((item) => (item.kind === 'result' ? [item.fields] : []));
    expect(
      results.map((fields) => [fields.ip, fields.hostId, fields.status, fields.criticalityValue]),
    ).toEqual([
      ['10.0.0.1', '300', 'Failed', '5'],
      ['10.0.0.1', '300', 'Passed', '5'],
      ['10.0.0.5', null, 'Error', '5'],
    ]);
    expect(items[4]).toMatchObject({ kind: 'hostTags', ip: '10.0.0.1', tags: ['T1'] });
    expect(items[7]).toMatchObject({ kind: 'host', fields: { ip: '10.0.0.3' } });
  });

  it('issue 13: a 64 MiB text node is refused while it streams, with a clear code and flat memory', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let sent = 0;
    async function* hostile() {
      yield Buffer.from(`${head}<RESULTS><HOST_LIST><HOST><IP>`);
      for (let index = 0; index < 1024; index++) {
        sent += chunk.length;
        yield chunk;
      }
      yield Buffer.from('</IP></HOST></HOST_LIST></RESULTS></POLICY_REPORT>');
    }
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    const items: ReportItem[] = [];
    const error = await (async () => {
      for await (const item of parsePolicyReportXml(Readable.from(hostile()), { reportId: '77' })) {
        items.push(item);
        peak = Math.max(peak, process.memoryUsage().heapUsed);
      }
    })().catch((caught: unknown) => {
      peak = Math.max(peak, process.memoryUsage().heapUsed);
      return caught;
    });
    expect(error).toBeInstanceOf(BadResponseError);
    expect((error as BadResponseError).code).toBe('PS_ERR_BAD_RESPONSE');
    expect((error as Error).message).toContain('runs past 16777216 characters');
    // Refused within one chunk of the 16 Mi-character cap, long before the 64 MiB arrived.
    expect(sent).toBeLessThanOrEqual(16 * 1024 * 1024 + 2 * chunk.length);
    expect(peak - before).toBeLessThan(200 * 1024 * 1024);
  });

  it('issue 13: a huge comment is refused like a huge text node', async () => {
    async function* hostile() {
      yield Buffer.from(`${head}<!--`);
      for (let index = 0; index < 400; index++) yield Buffer.alloc(64 * 1024, 'x><');
    }
    const error = await (async () => {
      for await (const _item of parsePolicyReportXml(Readable.from(hostile()), { reportId: '77' })) {
        // drain
      }
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadResponseError);
    expect((error as Error).message).toContain('runs past 16777216 characters');
  });
});
