export { type ConnectionOptionsTarget, qualysConnectionOptions } from './connection-options.ts';
export { idMinFromUrl, idMinPaging, nextPageUrl } from './next-page-url.ts';
export {
  platformOrUrlProblem,
  platformUrls,
  type QualysPlatform,
  qualysPlatformNames,
  qualysPlatforms,
} from './platforms.ts';
export { policyReportXmlElements, policyReportXmlPaths } from './policy-report-xml-elements.ts';
export { qualysDateToIsoUtc } from './qualys-dates.ts';
export {
  limitHintsFromHeaders,
  qualysConcurrencyLimitCode,
  qualysRateLimitCode,
  qualysRequestedWaitMs,
} from './qualys-limits.ts';
export { qualysResponseClassifier } from './qualys-response-classifier.ts';
export { maxSimpleReturnLength, parseSimpleReturn, type SimpleReturn } from './simple-return.ts';
