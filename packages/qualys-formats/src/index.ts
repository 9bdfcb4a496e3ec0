export { policyReportXmlElements, policyReportXmlPaths } from './policy-report-xml-elements.ts';
