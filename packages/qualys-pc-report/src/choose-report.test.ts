import { NotFoundError } from '@posturesync/core';
import { describe, expect, it } from 'vitest';
import { chooseReport, closestTitles } from './choose-report.ts';
import { parseReportList } from './report-list.ts';

const list = `<?xml version="1.0" encoding="UTF-8" ?>
<!DOCTYPE REPORT_LIST_OUTPUT SYSTEM "https://qualysapi.qualys.com/api/2.0/fo/report/report_list_output.dtd">
<REPORT_LIST_OUTPUT><RESPONSE><DATETIME>2024-05-01T10:00:00Z</DATETIME><REPORT_LIST>
<REPORT><ID>1</ID><TITLE> <![CDATA[PC-Weekly CIS 2024-04-24]]> </TITLE><LAUNCH_DATETIME>2024-04-24T06:00:12Z</LAUNCH_DATETIME><STATUS><STATE>Finished</STATE></STATUS></REPORT>
<REPORT><ID>2</ID><TITLE>PC-Weekly CIS 2024-04-30</TITLE><LAUNCH_DATETIME>2024-04-30T06:00:12Z</LAUNCH_DATETIME><STATUS><STATE>Finished</STATE></STATUS></REPORT>
<REPORT><ID>3</ID><TITLE><![CDATA[PC-Weekly CIS 2024-05-01]]></TITLE><LAUNCH_DATETIME>2024-05-01T06:00:12Z</LAUNCH_DATETIME><STATUS><STATE>Running</STATE><MESSAGE>in progress</MESSAGE><PERCENT>40</PERCENT></STATUS></REPORT>
<REPORT><ID>4</ID><TITLE>Monthly PC-Weekly copy</TITLE><LAUNCH_DATETIME>2024-05-01T07:00:00Z</LAUNCH_DATETIME><STATUS><STATE>Finished</STATE></STATUS></REPORT>
</REPORT_LIST></RESPONSE></REPORT_LIST_OUTPUT>`;

describe('report list and choice', () => {
  it('reads CDATA and plain titles, trimmed, with states and UTC launch times', () => {
    const entries = parseReportList(list);
    expect(entries.map((entry) => [entry.id, entry.title, entry.state])).toEqual([
      ['1', 'PC-Weekly CIS 2024-04-24', 'Finished'],
      ['2', 'PC-Weekly CIS 2024-04-30', 'Finished'],
      ['3', 'PC-Weekly CIS 2024-05-01', 'Running'],
      ['4', 'Monthly PC-Weekly copy', 'Finished'],
    ]);
    expect(entries[2]).toMatchObject({ percent: '40', launchDatetime: '2024-05-01T06:00:12.000Z' });
  });

  it('issue 5: keeps finished reports starting with the prefix and takes the newest', () => {
    expect(chooseReport(parseReportList(list), 'PC-Weekly').id).toBe('2');
  });

  it('issue 5: names the closest titles and their states when none matches', () => {
    const entries = parseReportList(list);
    let error: unknown;
    try {
      chooseReport(entries, 'PC-Weekyl');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(NotFoundError);
    const message = (error as Error).message;
    expect(message).toContain('No finished Qualys report has a title starting with "PC-Weekyl" (');
    expect(message).toContain('"PC-Weekly CIS 2024-05-01" (ID 3, Running)');
    expect(closestTitles(entries, 'PC-Weekyl', 5)).toHaveLength(4);
    expect(closestTitles(entries, 'PC-Weekyl', 5).at(-1)?.id).toBe('4');
  });

  it('never expands entities declared in an internal DTD subset', () => {
    const hostile = `<?xml version="1.0"?><!DOCTYPE REPORT_LIST_OUTPUT [<!ENTITY boom "BOOM">]>
<REPORT_LIST_OUTPUT><RESPONSE><REPORT_LIST><REPORT><ID>1</ID><TITLE>&boom;</TITLE></REPORT></REPORT_LIST></RESPONSE></REPORT_LIST_OUTPUT>`;
    expect(() => parseReportList(hostile)).toThrow(/not well-formed XML/);
  });

  it('issue 13: a 10,000-character titlePrefix is echoed cut, and quickly', () => {
    const prefix = `PC-${'W'.repeat(10_000)}`;
    const entries = Array.from({ length: 200 }, (_unused, index) => ({
      ...parseReportList(list)[0]!,
      id: String(index),
      title: `PC-Weekly ${'x'.repeat(100)} ${index}`,
    }));
    const started = performance.now();
    let message = '';
    try {
      chooseReport(entries, prefix);
    } catch (caught) {
      message = (caught as Error).message;
    }
    expect(performance.now() - started).toBeLessThan(2000);
    expect(message).toContain('more characters cut]');
    expect(message.length).toBeLessThan(2000);
  });
});
