import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createEstate, type Estate, generatePolicyReportCsv, type SimReportSpec } from '../src/index.ts';

/**
 * Pins the simulator's real-layout Policy Report CSV to the hand-written fixtures of the
 * connector (`packages/qualys-pc-report/test/fixtures/`, transcribed from
 * `spec/policy-report-csv-real.md`, never generated). The simulator cannot drift from the facts
 * (markers, header rows, row shapes, line ends, date format) without this test failing.
 */
const fixtureDirectory = new URL('../../qualys-pc-report/test/fixtures/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, fixtureDirectory), 'utf8');

interface RawCell {
  text: string;
  quoted: boolean;
}

interface RawRecord {
  cells: RawCell[];
  /** The record's text as written, without its CRLF. */
  raw: string;
}

/**
 * Splits CSV text into records as written: cells remember whether they were quoted, records
 * end at a CRLF outside quotes. Any other line end outside quotes, or a CR inside a quoted
 * cell, is reported as a problem (real files: CRLF rows, bare LF inside cells).
 */
function rawRecords(text: string): { records: RawRecord[]; problems: string[] } {
  const records: RawRecord[] = [];
  const problems: string[] = [];
  let cells: RawCell[] = [];
  let cell = '';
  let quoted = false;
  let inQuotes = false;
  let start = 0;
  const endCell = () => {
    cells.push({ text: cell, quoted });
    cell = '';
    quoted = false;
  };
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (inQuotes) {
      if (char === '"') {
        if (text[index + 1] === '"') {
          cell += '"';
          index++;
        } else inQuotes = false;
      } else {
        if (char === '\r') problems.push(`CR inside a quoted cell at offset ${index}`);
        cell += char;
      }
    } else if (char === '"') {
      if (cell !== '') problems.push(`quote in the middle of an unquoted cell at offset ${index}`);
      inQuotes = true;
      quoted = true;
    } else if (char === ',') endCell();
    else if (char === '\r' && text[index + 1] === '\n') {
      endCell();
      records.push({ cells, raw: text.slice(start, index) });
      cells = [];
      index++;
      start = index + 1;
    } else if (char === '\r' || char === '\n') {
      problems.push(`bare ${char === '\r' ? 'CR' : 'LF'} outside quotes at offset ${index}`);
    } else cell += char;
  }
  if (start < text.length) problems.push('the last row does not end with CRLF');
  return { records, problems };
}

/** Records written unquoted: in a real report exactly the section markers and header rows. */
function unquotedRecords(records: readonly RawRecord[]): string[] {
  return records
    .filter((record) => record.raw !== '' && record.cells.every((cell) => !cell.quoted))
    .map((record) => record.raw);
}

/** `Q` for a quoted cell, `E` for a bare empty one, `U` for any other unquoted cell. */
function shape(record: RawRecord | undefined): string {
  return (record?.cells ?? []).map((cell) => (cell.quoted ? 'Q' : cell.text === '' ? 'E' : 'U')).join(',');
}

const dateFormat = /^\d{2}\/\d{2}\/\d{4} at \d{2}:\d{2}:\d{2} \(GMT[+-]\d{4}\)$/;

async function simulatorCsv(estate: Estate, spec: Partial<SimReportSpec> = {}): Promise<string> {
  let text = '';
  for await (const chunk of generatePolicyReportCsv(estate, { title: 'PC-Weekly pin', ...spec })) {
    text += chunk;
  }
  return text;
}

// The default reference date (2024-05-01) puts scan dates in April 2024, across the end of
// Sydney daylight saving on 7 April: both offsets land in one report.
const estate = createEstate({ seed: 11, hosts: 24, policies: 2, controlsPerPolicy: 6 });
const policyId = estate.policies()[0]!.id;

describe('the simulator writes the real Policy Report CSV layout of the fixtures', () => {
  it('issue 11: same section markers and header rows as real-layout-results.csv, in order', async () => {
    const expected = rawRecords(fixture('real-layout-results.csv'));
    expect(expected.problems).toEqual([]);
    const actual = rawRecords(await simulatorCsv(estate, { policyId }));
    expect(actual.problems).toEqual([]);
    expect(unquotedRecords(actual.records)).toEqual(unquotedRecords(expected.records));
  });

  it('issue 11: same markers and headers as header-only.csv when the template leaves out ASSET TAGS', async () => {
    const expected = rawRecords(fixture('header-only.csv'));
    const actual = rawRecords(await simulatorCsv(estate, { policyId, include: { assetTags: false } }));
    expect(actual.problems).toEqual([]);
    expect(unquotedRecords(actual.records)).toEqual(unquotedRecords(expected.records));
  });

  it('issue 11: an empty report has the markers and headers of empty-report.csv', async () => {
    const empty = createEstate({ seed: 11, hosts: 5, policies: 1, controlsPerPolicy: 3, membershipRatio: 0 });
    const expected = rawRecords(fixture('empty-report.csv'));
    const text = await simulatorCsv(empty, { include: { assetTags: false } });
    const actual = rawRecords(text);
    expect(actual.problems).toEqual([]);
    expect(unquotedRecords(actual.records)).toEqual(unquotedRecords(expected.records));
    const summary = actual.records[5]!.cells.slice(10).map((cell) => cell.text);
    expect(summary).toEqual(['0', '0', '0', '0', '0', '0', '0']);
  });

  it('issue 11: the template variant has the RESULTS columns of no-evidence-no-exceptions.csv', async () => {
    // That fixture reorders its columns (parsers must go by header name), so compare as sets.
    const expected = rawRecords(fixture('no-evidence-no-exceptions.csv'));
    const resultsAt = expected.records.findIndex((record) => record.cells[0]?.text === 'RESULTS');
    const expectedHeader = expected.records[resultsAt + 1]!.raw.split(',');
    const actual = rawRecords(
      await simulatorCsv(estate, {
        policyId,
        include: { criticality: false, evidence: false, exceptions: false, extendedColumns: true },
      }),
    );
    const header = unquotedRecords(actual.records).at(-1)!.split(',');
    expect([...header].sort()).toEqual([...expectedHeader].sort());
  });

  it('issue 11: rows 1-3 and data rows have the fixture shapes (quoted cells, bare empty cells)', async () => {
    const expected = rawRecords(fixture('real-layout-results.csv')).records;
    const actual = rawRecords(await simulatorCsv(estate, { policyId })).records;
    for (const row of [0, 1, 2]) expect(shape(actual[row]), `row ${row + 1}`).toBe(shape(expected[row]));
    expect(shape(actual[1])).toBe('Q,Q,E,E,Q,Q,Q');
    // Every data row: each cell quoted or bare empty, never an unquoted value or a quoted "".
    for (const record of actual) {
      if (record.cells.every((cell) => !cell.quoted)) continue;
      for (const cell of record.cells) {
        expect(cell.quoted ? cell.text !== '' : cell.text === '', record.raw.slice(0, 80)).toBe(true);
      }
    }
    // Bare empty cells appear in data rows (company address lines, blank exception columns).
    expect(
      actual.some((record) => /(^|,),/.test(record.raw) && record.cells.some((cell) => cell.quoted)),
    ).toBe(true);
  });

  it('issue 11: CRLF row ends, bare LF inside multi-line cells, dates in MM/DD/YYYY at HH:MM:SS (GMT+HHMM)', async () => {
    const text = await simulatorCsv(estate, { policyId });
    const { records, problems } = rawRecords(text);
    expect(problems).toEqual([]);
    expect(records.some((record) => record.cells.some((cell) => cell.text.includes('\n')))).toBe(true);
    const dates = records.flatMap((record) =>
      record.cells
        .map((cell) => cell.text)
        .filter((cell) => / at \d{2}:\d{2}:\d{2} /.test(cell) && !cell.includes('\n')),
    );
    expect(dates.length).toBeGreaterThan(10);
    for (const date of dates) expect(date).toMatch(dateFormat);
    // The report user's local offset changes with daylight saving inside one report.
    expect(dates.some((date) => date.endsWith('(GMT+1000)'))).toBe(true);
    expect(dates.some((date) => date.endsWith('(GMT+1100)'))).toBe(true);
    // The fixture's dates have the same format.
    const fixtureDates = rawRecords(fixture('real-layout-results.csv')).records.flatMap((record) =>
      record.cells
        .map((cell) => cell.text)
        .filter((cell) => / at \d{2}:\d{2}:\d{2} /.test(cell) && !cell.includes('\n')),
    );
    for (const date of fixtureDates) expect(date).toMatch(dateFormat);
  });

  it('issue 11: evidence uses the banner lines of the fixture', async () => {
    const banners = (text: string) =>
      new Set(
        rawRecords(text)
          .records.flatMap((record) => record.cells.map((cell) => cell.text))
          .flatMap((cell) => cell.split('\n'))
          .filter((line) => line.startsWith('======'))
          .map((line) => line.replace(/Last updated:.*======$/, 'Last updated:<date>======')),
      );
    const simulated = banners(await simulatorCsv(estate, { policyId }));
    expect([...simulated].sort()).toEqual([
      '======Current Value(s) - Last updated:<date>======',
      '======Expected Value(s)======',
      '======Extended Evidence(s)======:',
    ]);
    // The fixture also has the spellings without "(s)"; the simulator writes the "(s)" ones.
    const fromFixture = banners(fixture('real-layout-results.csv'));
    for (const banner of simulated) expect(fromFixture.has(banner), banner).toBe(true);
  });
});
