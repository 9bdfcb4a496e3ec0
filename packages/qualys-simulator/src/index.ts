export { policyReportXmlElements, policyReportXmlPaths } from '@posturesync/qualys-common';
export { createQualysHandlers } from './create-qualys-handlers.ts';
export { createEstate } from './estate/create-estate.ts';
export { csvDate, isoSeconds, parseApiDate } from './estate/dates.ts';
export { type PostureRecordContext, pcrsRecordToJson, toPostureRecord } from './estate/posture-record.ts';
export type {
  Estate,
  EstateOptions,
  OsFamily,
  PolicyFamily,
  PostureRecord,
  ResultFilter,
  SimCauseOfFailure,
  SimControl,
  SimCriticality,
  SimEvidence,
  SimException,
  SimHost,
  SimPolicy,
  SimResult,
  SimStatus,
  StatusRatios,
  TechnologyRef,
} from './estate/types.ts';
export { defaultCredentials } from './handlers/runtime.ts';
export { evidenceBanners, formatEvidenceBannerText } from './report/evidence-banner-text.ts';
export { formatCauseOfFailureText, formatEvidenceText, parseEvidenceText } from './report/evidence-text.ts';
export { generatePolicyReportCsv, type PolicyReportGenerateOptions } from './report/policy-report-csv.ts';
export {
  legacyCsvRow,
  legacyPolicyReportCsvControlStatisticsColumns,
  legacyPolicyReportCsvHostStatisticsColumns,
  legacyPolicyReportCsvResultColumns,
  legacyPolicyReportCsvSections,
  legacyPolicyReportCsvSummaryColumns,
} from './report/policy-report-csv-legacy.ts';
export {
  policyReportCsvHostStatisticsColumns,
  policyReportCsvResultColumns,
  policyReportCsvSections,
  policyReportCsvSummaryColumns,
  type ResultColumnGroup,
  realCsvRow,
} from './report/policy-report-csv-real.ts';
export { generatePolicyReportXml } from './report/policy-report-xml.ts';
export {
  gmtOffsetText,
  type ReportTimeZone,
  reportLocalDate,
  reportOffsetMinutes,
} from './report/report-local-date.ts';
export {
  defaultReportSpecs,
  type ReportDefaults,
  reportStateOf,
  resolveReportSpec,
  toSimReport,
} from './report/report-spec.ts';
export { buildZipBomb, type ZipBombOptions } from './report/zip-bomb.ts';
export { zipSingleEntry } from './report/zip-writer.ts';
export {
  type RunningSimulator,
  type StartSimulatorOptions,
  startQualysSimulator,
} from './server/start-qualys-simulator.ts';
export { faultProfiles } from './shared/fault-controller.ts';
export type {
  FaultEndpoint,
  FaultKind,
  FaultRule,
  QualysHandlers,
  RateLimit,
  ReportFormat,
  ReportLayout,
  ReportState,
  ReportTemplateOptions,
  RequestLogEntry,
  SimReport,
  SimReportSpec,
  SimulatorOptions,
  SimulatorState,
  SimulatorStats,
} from './simulator-types.ts';
