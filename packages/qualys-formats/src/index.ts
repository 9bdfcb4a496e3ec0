export { type ConnectionOptionsTarget, qualysConnectionOptions } from './connection-options.ts';
export {
  platformOrUrlProblem,
  platformUrls,
  type QualysPlatform,
  qualysPlatformNames,
  qualysPlatforms,
} from './platforms.ts';
export { policyReportXmlElements, policyReportXmlPaths } from './policy-report-xml-elements.ts';
