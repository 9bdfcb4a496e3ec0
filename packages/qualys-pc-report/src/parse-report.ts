import type { Readable } from 'node:stream';
import { parsePolicyReportCsv } from './csv-report-parser.ts';
import type { ReportItem, ReportParseOptions } from './report-records.ts';
import { parsePolicyReportXml, type XmlReportParseOptions } from './xml-report-parser.ts';

export function csvOrXml(
  format: 'xml' | 'csv',
  input: Readable,
  options: ReportParseOptions & Pick<XmlReportParseOptions, 'table'>,
): AsyncGenerator<ReportItem> {
  return format === 'xml' ? parsePolicyReportXml(input, options) : parsePolicyReportCsv(input, options);
}
