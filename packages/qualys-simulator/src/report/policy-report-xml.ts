import { policyReportXmlElements as names } from '@posturesync/qualys-common';
import { isoSeconds } from '../estate/dates.ts';
import type { Estate, SimHost, SimResult } from '../estate/types.ts';
import { cdataElement, element, escapeXml } from '../shared/xml.ts';
import type { SimReport, SimReportSpec } from '../simulator-types.ts';
import type { PolicyReportGenerateOptions } from './policy-report-csv.ts';
import { toSimReport } from './report-spec.ts';
import { computeReportStatistics, percent } from './report-statistics.ts';

const h = names.host;
const c = names.control;
const r = names.result;

function hostFields(host: SimHost, withTags: boolean): string {
  let xml = `<${h.ip} ${h.networkIdAttribute}="${host.networkId}">${escapeXml(host.ip)}</${h.ip}>`;
  xml += element(h.trackingMethod, host.trackingMethod);
  xml += cdataElement(h.dns, host.dns);
  xml += cdataElement(h.netbios, host.netBios);
  xml += cdataElement(h.operatingSystem, host.os);
  xml += cdataElement(h.network, host.networkName);
  xml += element(h.lastScanDate, host.complianceLastScanDate);
  xml += element(h.qgHostId, host.qgHostid);
  xml += element(h.hostId, host.hostId);
  if (withTags) {
    xml += `<${h.assetTags}>${host.tags.map((tag) => cdataElement(h.assetTag, tag)).join('')}</${h.assetTags}>`;
  }
  return xml;
}

function controlFields(result: SimResult, include: SimReport['include'], malformedRecord: boolean): string {
  const { control } = result;
  let xml = element(c.cid, malformedRecord ? 'abc' : control.cid);
  xml += cdataElement(c.statement, control.statement);
  xml += cdataElement(c.controlReferences, control.reference);
  if (include.criticality) {
    xml += `<${c.criticality}>${element(c.criticalityLabel, control.criticality.label)}${element(
      c.criticalityValue,
      control.criticality.value,
    )}</${c.criticality}>`;
  }
  xml += cdataElement(c.rationale, control.rationale);
  xml += cdataElement(c.remediation, control.remediation);
  xml += element(c.deprecated, control.deprecated ? 1 : 0);
  return xml;
}

function resultFields(result: SimResult, include: SimReport['include'], malformedRecord: boolean): string {
  let xml = `<${r.technology}>${element(r.technologyId, result.technology.id)}${cdataElement(
    r.technologyName,
    result.technology.name,
  )}</${r.technology}>`;
  xml += cdataElement(r.instance, result.instance);
  xml += element(r.status, result.status);
  xml += element(r.evaluationDate, malformedRecord ? 'not-a-date' : result.lastEvaluatedDate);
  if (include.evidence) {
    xml += `<${r.evidence}>${cdataElement(r.evidenceExpected, result.evidence.expected)}${cdataElement(
      r.evidenceActual,
      result.evidence.actual,
    )}${result.evidence.extendedEvidence ? cdataElement(r.evidenceExtended, result.evidence.extendedEvidence) : ''}</${r.evidence}>`;
    const cause = result.causeOfFailure;
    if (cause) {
      xml += `<${r.causeOfFailure}>`;
      if (cause.missing) {
        xml += `<${r.causeMissing} ${r.causeMissingLogicAttribute}="${cause.missing.logic}">${cause.missing.values
          .map((value) => cdataElement(r.causeValue, value))
          .join('')}</${r.causeMissing}>`;
      }
      if (cause.unexpected) {
        xml += `<${r.causeUnexpected}>${cause.unexpected.values.map((value) => cdataElement(r.causeValue, value)).join('')}</${r.causeUnexpected}>`;
      }
      xml += `</${r.causeOfFailure}>`;
    }
  }
  if (include.exceptions && result.exception) {
    const e = result.exception;
    xml += `<${r.exception}>${element(r.exceptionAssignee, e.assignee)}${element(r.exceptionStatus, e.status)}${element(
      r.exceptionEndDatetime,
      e.endDate,
    )}${element(r.exceptionCreator, e.creator)}${element(r.exceptionCreatedDatetime, e.createdDate)}${element(
      r.exceptionModifier,
      e.modifier,
    )}${element(r.exceptionModifiedDatetime, e.modifiedDate)}${cdataElement(r.exceptionComments, e.comments)}</${r.exception}>`;
  }
  xml += element(r.previousStatus, result.previousStatus);
  xml += element(r.firstFailDate, result.firstFailDate);
  xml += element(r.lastFailDate, result.lastFailDate);
  xml += element(r.firstPassDate, result.firstPassDate);
  xml += element(r.lastPassDate, result.lastPassDate);
  return xml;
}

/**
 * Streams a Policy Report in the simulator's best-known XML structure (see
 * `policyReportXmlElements`), grouped by host or by control, one element per line.
 */
export async function* generatePolicyReportXml(
  estate: Estate,
  spec: SimReport | SimReportSpec,
  options: PolicyReportGenerateOptions = {},
): AsyncGenerator<string> {
  const report = toSimReport(estate, spec);
  const stats = computeReportStatistics(estate, report.policyId);
  if (!stats) return;
  const { policy, hostIds } = stats;
  const chunkSize = options.chunkSize ?? 65_536;
  const platform = 'qualysapi.qualys.com';
  const generatedAt = isoSeconds(options.generatedAt?.getTime() ?? Date.parse(estate.options.referenceDate));
  const total = stats.instances;
  const s = names.summary;
  let buffer = `<?xml version="1.0" encoding="UTF-8" ?>
<!DOCTYPE ${names.root} SYSTEM "https://${platform}/api/2.0/fo/report/policy/policy_report.dtd">
<${names.root}>
<${names.header.element}>${cdataElement(names.header.title, report.title)}${element(
    names.header.generationDatetime,
    generatedAt,
  )}<${names.header.companyInfo}>${cdataElement(names.header.companyName, estate.options.companyName)}</${
    names.header.companyInfo
  }><${names.header.userInfo}>${cdataElement(names.header.userName, 'Demo User')}${element(
    names.header.userLogin,
    report.userLogin,
  )}${element(names.header.userRole, 'Manager')}</${names.header.userInfo}></${names.header.element}>
<${s.element}><${s.policy}>${element(s.id, policy.id)}${cdataElement(s.title, policy.title)}${element(
    s.locked,
    policy.locked,
  )}${element(s.modifiedDatetime, policy.modifiedDate)}${element(s.lastEvaluatedDatetime, policy.lastEvaluatedDate)}${cdataElement(
    s.assetGroups,
    'All',
  )}${cdataElement(s.technologies, stats.technologies.join(', '))}${element(s.totalControls, policy.controls.length)}${element(
    s.totalAssets,
    hostIds.length,
  )}${element(s.totalControlInstances, total)}${element(s.totalPassed, stats.passed)}${element(
    s.totalFailed,
    stats.failed,
  )}${element(s.totalError, stats.error)}${element(s.totalApprovedExceptions, stats.approvedExceptions)}${element(
    s.totalPendingExceptions,
    stats.pendingExceptions,
  )}</${s.policy}></${s.element}>
<${names.controlStatistics.element}>
`;
  const cs = names.controlStatistics;
  for (const control of policy.controls) {
    const passed = stats.controlPassed[control.index] ?? 0;
    const controlTotal = stats.controlTotal[control.index] ?? 0;
    buffer += `<${cs.control}>${element(cs.orderNo, control.index + 1)}${element(c.cid, control.cid)}${element(
      c.deprecated,
      control.deprecated ? 1 : 0,
    )}${cdataElement(c.statement, control.statement)}${
      report.include.criticality
        ? `<${c.criticality}>${element(c.criticalityLabel, control.criticality.label)}${element(
            c.criticalityValue,
            control.criticality.value,
          )}</${c.criticality}>`
        : ''
    }${element(cs.passed, passed)}${element(cs.total, controlTotal)}${element(
      cs.percentage,
      `${percent(passed, controlTotal)}%`,
    )}</${cs.control}>\n`;
  }
  buffer += `</${cs.element}>\n<${names.hostStatistics.element}>\n`;
  const hs = names.hostStatistics;
  for (let position = 0; position < hostIds.length; position++) {
    const host = estate.host(hostIds[position]!);
    if (!host) continue;
    const passed = stats.hostPassed[position] ?? 0;
    const hostTotal = stats.hostTotal[position] ?? 0;
    buffer += `<${hs.host}>${hostFields(host, false)}${element(hs.passed, passed)}${element(hs.total, hostTotal)}${element(
      hs.percentage,
      `${percent(passed, hostTotal)}%`,
    )}</${hs.host}>\n`;
    if (buffer.length >= chunkSize) {
      yield buffer;
      buffer = '';
    }
  }
  buffer += `</${hs.element}>\n<${names.assetTags.element}>\n`;
  for (const hostId of hostIds) {
    const host = estate.host(hostId);
    if (!host) continue;
    buffer += `<${names.assetTags.host}>${element(h.ip, host.ip)}${element(h.qgHostId, host.qgHostid)}${element(
      h.hostId,
      host.hostId,
    )}<${h.assetTags}>${host.tags.map((tag) => cdataElement(h.assetTag, tag)).join('')}</${h.assetTags}></${
      names.assetTags.host
    }>\n`;
    if (buffer.length >= chunkSize) {
      yield buffer;
      buffer = '';
    }
  }
  buffer += `</${names.assetTags.element}>\n<${names.results.element} ${names.results.groupByAttribute}="${report.groupBy}">\n`;
  let first = true;
  const corrupt = () => {
    const flags = {
      malformed: first && options.fault === 'malformed',
      record: first && options.fault === 'malformedRecord',
    };
    first = false;
    return flags;
  };
  if (report.groupBy === 'host') {
    buffer += `<${names.results.hostList}>\n`;
    for (const hostId of hostIds) {
      const host = estate.host(hostId);
      if (!host) continue;
      buffer += `<${h.element}>${hostFields(host, true)}<${names.results.controlList}>\n`;
      for (const result of estate.resultsForHost(report.policyId, hostId)) {
        const flags = corrupt();
        buffer += `<${c.element}>${controlFields(result, report.include, flags.record)}${resultFields(
          result,
          report.include,
          flags.record,
        )}</${flags.malformed ? 'CONTROL_BROKEN' : c.element}>\n`;
        if (buffer.length >= chunkSize) {
          yield buffer;
          buffer = '';
        }
      }
      buffer += `</${names.results.controlList}></${h.element}>\n`;
    }
    buffer += `</${names.results.hostList}>\n`;
  } else {
    buffer += `<${names.results.controlList}>\n`;
    for (const control of policy.controls) {
      let opened = false;
      for (const hostId of hostIds) {
        for (const result of estate.resultsForHostControl(report.policyId, hostId, control.index)) {
          const flags = corrupt();
          if (!opened) {
            buffer += `<${c.element}>${controlFields(result, report.include, flags.record)}<${names.results.hostList}>\n`;
            opened = true;
          }
          buffer += `<${h.element}>${hostFields(result.host, false)}${resultFields(result, report.include, flags.record)}</${
            flags.malformed ? 'HOST_BROKEN' : h.element
          }>\n`;
          if (buffer.length >= chunkSize) {
            yield buffer;
            buffer = '';
          }
        }
      }
      if (opened) buffer += `</${names.results.hostList}></${c.element}>\n`;
    }
    buffer += `</${names.results.controlList}>\n`;
  }
  buffer += `</${names.results.element}>\n</${names.root}>\n`;
  yield buffer;
}
