export {
  apiBaseUrl,
  type QualysPcReportConfig,
  type QualysPcReportConfigInput,
  qualysPcReportConfigSchema,
} from './config-schema.ts';
export {
  createQualysPcReportConnector,
  type QualysPcReportHooks,
  qualysPcReportConnector,
} from './connector.ts';
export { parsePolicyReportCsv } from './csv-report-parser.ts';
export { type MappedBatch, ReportMapper, type ReportMapperOptions } from './map-report.ts';
export { platformApiUrls, type QualysPlatform } from './platforms.ts';
export { type ReportCheckpoint, sourceName } from './read-report.ts';
export type { ReportItem, ReportParseOptions, ReportPosition } from './report-records.ts';
export { defaultPolicyReportXmlTable, type PolicyReportXmlTable } from './xml-element-table.ts';
export { parsePolicyReportXml, type XmlReportParseOptions } from './xml-report-parser.ts';
