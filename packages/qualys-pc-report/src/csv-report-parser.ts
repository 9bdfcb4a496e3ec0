import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BadResponseError, CancelledError } from '@posturesync/core';
import { type Options, parse } from 'csv-parse';
import {
  assetTagHeaderCells,
  type ColumnMap,
  type CsvSection,
  controlColumnAliases,
  csvSectionOf,
  hostColumnAliases,
  normalizeHeader,
  policyColumnAliases,
  resolveColumns,
  resultColumnAliases,
} from './csv-columns.ts';
import {
  cleanValue,
  controlFields,
  csvResultColumnCount,
  type FieldValues,
  headerFields,
  hostFields,
  policyFields,
  type ReportItem,
  type ReportParseOptions,
  resultFields,
} from './report-records.ts';

/** `unknown`: a section this parser does not know, skipped up to the next known marker. */
type Section = 'preamble' | CsvSection | 'unknown';

/** How many cells a row has once trailing empty ones are dropped. */
function filledWidth(cells: readonly string[]): number {
  let width = cells.length;
  while (width > 0 && (cells[width - 1] ?? '').trim() === '') width -= 1;
  return width;
}

/** Text from the report for a log line: bounded, control characters escaped. */
function quoted(text: string, max = 200): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

/** An IPv4 or IPv6 address, perhaps a list: what the first cell of an ASSET TAGS row holds. */
const addressLike = /^[0-9a-f.:]+(?:[\s,;]+[0-9a-f.:]+)*$/i;

function pick<K extends string>(cells: readonly string[], fields: readonly K[], columns: ColumnMap<K>) {
  const values = {} as FieldValues<K>;
  for (const field of fields) {
    const index = columns[field];
    const cell = index < 0 ? undefined : cells[index];
    // Multi-line cells carry the file's CRLF line ends; store plain newlines.
    values[field] = cleanValue(cell?.includes('\r') ? cell.replace(/\r\n?/g, '\n') : cell);
  }
  return values;
}

/** Tags arrive one per cell, or all in one comma-separated cell. */
function splitTags(cells: readonly string[]): string[] {
  const parts = cells.length === 1 ? (cells[0] ?? '').split(',') : cells;
  const tags: string[] = [];
  for (const part of parts) {
    const tag = part
      .trim()
      .replace(/^"+|"+$/g, '')
      .trim();
    if (tag) tags.push(tag);
  }
  return tags;
}

/** csv-parse counts each CR and each LF inside a quoted cell as a line of its own. */
function embeddedLineBreaks(cells: readonly string[]): number {
  let count = 0;
  for (const cell of cells) {
    if (!cell.includes('\n') && !cell.includes('\r')) continue;
    for (let index = 0; index < cell.length; index += 1) {
      const code = cell.charCodeAt(index);
      if (code === 10 || code === 13) count += 1;
    }
  }
  return count;
}

interface CsvRow {
  line: number;
  cells: string[];
}

function malformed(options: ReportParseOptions, line: number | null, reason: string, cause?: unknown) {
  const report = options.reportId ? `Policy report ${options.reportId}` : 'The policy report';
  const where = line === null ? '' : ` at CSV line ${line}`;
  return new BadResponseError(
    `${report} is not valid CSV${where}: ${reason}. Re-run the report in Qualys or fetch it again; data already stored is kept.`,
    { cause, details: { reportId: options.reportId ?? null, line, format: 'csv' } },
  );
}

/** Characters one CSV record may hold before the report is declared malformed (64 Mi). */
export const maxCsvRecordChars = 64 * 1024 * 1024;

/**
 * Streams a Qualys Policy Report CSV, section by section, as neutral report records. Column
 * mapping is driven by each section's header row (case-insensitive), falling back to the
 * spec's column order when no header cell is recognised. Columns a template leaves out come
 * back as null. Memory stays flat: one row is held at a time.
 */
export async function* parsePolicyReportCsv(
  input: Readable,
  options: ReportParseOptions = {},
): AsyncGenerator<ReportItem> {
  const csvOptions: Options<CsvRow, string[]> = {
    bom: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    // A quote that never closes (relax_quotes tolerates stray ones) would otherwise pull the rest
    // of a multi-GB report into one field; real cells, evidence included, stay far below this.
    max_record_size: options.maxRecordChars ?? maxCsvRecordChars,
    // csv-parse counts the line a record ends on; quoted multi-line cells move its start up.
    on_record: (record, context) => {
      adoptWidth(record.length);
      return { line: context.lines - embeddedLineBreaks(record), cells: record };
    },
  };
  // The typings only accept a reshaping on_record together with `columns`; rows stay arrays here.
  const parser = parse(csvOptions as unknown as Options);
  /**
   * csv-parse expects every record to be as wide as the first one and, with relaxed widths,
   * still builds a CsvError (stack trace plus JSON copies of the record) for each record that
   * is not. Sections differ in width, so that would be every RESULTS row: several times the
   * cost of parsing. Following the width of the latest record keeps the errors to one per
   * section change. `state` is csv-parse's own (undocumented) object; without it this is a no-op.
   */
  const internalState = (parser as unknown as { state?: { expectedRecordLength?: unknown } }).state;
  const adoptWidth = (width: number) => {
    if (internalState && typeof internalState.expectedRecordLength === 'number') {
      internalState.expectedRecordLength = width;
    }
  };
  const piping = pipeline(input, parser);
  // The iterator below surfaces the same failure; this only keeps it from being unhandled.
  piping.catch(() => {});

  let section: Section = 'preamble';
  let preambleRow = 0;
  const header = {} as FieldValues<(typeof headerFields)[number]>;
  for (const field of headerFields) header[field] = null;
  let headerEmitted = false;
  let awaitingHeader = false;
  let policyColumns: ColumnMap<(typeof policyFields)[number]> | null = null;
  let controlColumns: ColumnMap<(typeof controlFields)[number]> | null = null;
  let hostColumns: ColumnMap<(typeof hostFields)[number]> | null = null;
  let resultColumns: ColumnMap<(typeof resultFields)[number]> | null = null;
  let headerWidth = 0;
  let lastLine = 0;
  /**
   * Qualys quotes every cell, so a data row wider or narrower than its header means a broken
   * quote has shifted the cells: refuse it rather than store values in the wrong fields.
   */
  const checkWidth = (cells: readonly string[], line: number) => {
    const width = cells.length === headerWidth + 1 && cells.at(-1) === '' ? headerWidth : cells.length;
    if (width !== headerWidth) {
      throw malformed(
        options,
        line,
        `a RESULTS row has ${cells.length} cells where the header has ${headerWidth} (a broken quote shifts the cells)`,
      );
    }
  };

  try {
    for await (const row of parser as AsyncIterable<CsvRow>) {
      if (options.signal?.aborted) throw new CancelledError('Reading the policy report was cancelled');
      lastLine = row.line;
      const { cells } = row;
      if (cells.every((cell) => cell.trim() === '')) continue;
      const position = { line: row.line, column: null };
      const width = filledWidth(cells);
      // A marker is a row of one cell; a data row never starts with one of these words.
      const next = width === 1 ? csvSectionOf(cells[0] ?? '') : null;
      if (next) {
        if (!headerEmitted) {
          headerEmitted = true;
          yield { kind: 'header', position: { line: 1, column: null }, fields: { ...header } };
        }
        section = next;
        awaitingHeader = next !== 'assetTags' && next !== 'emptyReason';
        continue;
      }
      if (section === 'unknown') continue;
      const lone =
        width === 1 &&
        !awaitingHeader &&
        (section === 'assetTags'
          ? !addressLike.test((cells[0] ?? '').trim())
          : section !== 'preamble' && section !== 'emptyReason' && cells.length !== headerWidth);
      if (lone) {
        // One lone cell where the section's rows have several: a section this parser does not
        // know. (A row as wide as the header with only its first cell filled is still data.)
        options.logger?.debug(
          `Policy report CSV line ${row.line}: skipping the unknown section ${quoted(cells[0] ?? '')}`,
          { reportId: options.reportId ?? null, line: row.line },
        );
        section = 'unknown';
        continue;
      }
      if (awaitingHeader) {
        awaitingHeader = false;
        headerWidth = cells.length;
        if (section === 'summary') {
          policyColumns = resolveColumns(cells, policyFields, policyColumnAliases).columns;
        } else if (section === 'controls') {
          controlColumns = resolveColumns(cells, controlFields, controlColumnAliases, 7).columns;
        } else if (section === 'hosts') {
          hostColumns = resolveColumns(cells, hostFields, hostColumnAliases, 9).columns;
        } else if (section === 'results') {
          resultColumns = resolveColumns(
            cells,
            resultFields,
            resultColumnAliases,
            csvResultColumnCount,
          ).columns;
        }
        continue;
      }
      switch (section) {
        case 'preamble': {
          // Row 0: title, generated; row 1: company; row 2: contact name, login.
          if (preambleRow === 0) {
            header.title = cleanValue(cells[0]);
            header.generatedAt = cleanValue(cells[1]);
          } else if (preambleRow === 1) {
            header.company = cleanValue(cells[0]);
          } else if (preambleRow === 2) {
            header.userName = cleanValue(cells[0]);
            header.userLogin = cleanValue(cells[1]);
            header.userRole = cleanValue(cells[2]);
          }
          preambleRow += 1;
          break;
        }
        case 'summary':
          if (policyColumns)
            yield { kind: 'policy', position, fields: pick(cells, policyFields, policyColumns) };
          break;
        case 'controls':
          if (controlColumns) {
            yield { kind: 'control', position, fields: pick(cells, controlFields, controlColumns) };
          }
          break;
        case 'hosts':
          if (hostColumns)
            yield { kind: 'host', position, fields: pick(cells, hostFields, hostColumns), tags: [] };
          break;
        case 'assetTags': {
          const ip = cleanValue(cells[0]);
          // The section's layout is not seen in a real file: tolerate a header row.
          if (ip && assetTagHeaderCells.includes(normalizeHeader(ip))) break;
          if (ip) yield { kind: 'hostTags', position, ip, tags: splitTags(cells.slice(1)) };
          break;
        }
        case 'emptyReason': {
          const reason = cells
            .map((cell) => cell.trim())
            .filter(Boolean)
            .join(' ');
          if (reason) {
            options.logger?.info(`Qualys gives a possible reason for the empty report: ${quoted(reason)}`, {
              reportId: options.reportId ?? null,
            });
          }
          break;
        }
        case 'results':
          checkWidth(cells, row.line);
          if (resultColumns) {
            yield { kind: 'result', position, fields: pick(cells, resultFields, resultColumns), tags: [] };
          }
          break;
      }
    }
    await piping;
  } catch (error) {
    if (error instanceof BadResponseError) throw error;
    const code = (error as { code?: unknown }).code;
    // Only the CSV parser's own errors mean a malformed file; network and cancel errors pass through.
    if (typeof code !== 'string' || !code.startsWith('CSV_')) throw error;
    const line = (error as { lines?: number }).lines ?? lastLine;
    const reason = error instanceof Error ? error.message : String(error);
    throw malformed(options, line, reason, error);
  } finally {
    if (!parser.destroyed) parser.destroy();
  }
  if (!headerEmitted) {
    throw malformed(
      options,
      null,
      'no SUMMARY or RESULTS section was found (is this a Policy Compliance report?)',
    );
  }
}
