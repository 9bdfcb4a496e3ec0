import { ConfigError } from '@posturesync/core';
import { dayMs, isoSeconds } from '../estate/dates.ts';
import type { Estate } from '../estate/types.ts';
import type { ReportLayout, ReportState, SimReport, SimReportSpec } from '../simulator-types.ts';
import type { ReportTimeZone } from './report-local-date.ts';

export const firstReportId = 9_876_543;

/**
 * The reports a simulator lists when none are given: the newest finished 'PC-Weekly'
 * report is a CSV; newer ones are Running/with another prefix, so a connector must filter
 * by state and prefix, not just take the newest.
 */
export function defaultReportSpecs(estate: Estate): SimReportSpec[] {
  const reference = Date.parse(estate.options.referenceDate);
  const at = (daysAgo: number, hour = 6) =>
    isoSeconds(reference - daysAgo * dayMs + (hour - 6) * 3_600_000 + 12_000);
  const [first, second] = estate.policies();
  const policyId = first?.id;
  const day = (daysAgo: number) => at(daysAgo).slice(0, 10);
  const specs: SimReportSpec[] = [
    { title: `PC-Weekly CIS ${day(7)}`, format: 'xml', launchDatetime: at(7) },
    { title: `PC-Weekly CIS ${day(5)}`, format: 'csv', state: 'Errors', launchDatetime: at(5) },
    { title: `PC-Weekly CIS ${day(3)}`, format: 'xml', state: 'Canceled', launchDatetime: at(3) },
    { title: `PC-Weekly Zipped CIS ${day(2)}`, format: 'xml', zipped: true, launchDatetime: at(2) },
    { title: `PC-Weekly CIS ${day(1)}`, format: 'csv', launchDatetime: at(1) },
    { title: `PC-Weekly CIS ${day(0)}`, format: 'csv', state: 'Running', launchDatetime: at(0, 5) },
    {
      title: `Monthly Audit Export ${day(0)}`,
      format: 'csv',
      launchDatetime: at(0, 4),
      policyId: second?.id ?? '',
    },
  ];
  return specs.map((spec) => (policyId && spec.policyId === undefined ? { ...spec, policyId } : spec));
}

/** What a report takes from the simulator when its spec does not say. */
export interface ReportDefaults {
  /** Default 'real'. */
  layout?: ReportLayout;
  /** Default 'sydney'. */
  userTimeZone?: ReportTimeZone;
}

export function resolveReportSpec(
  spec: SimReportSpec,
  estate: Estate,
  fallbackId: number,
  defaults: ReportDefaults = {},
): SimReport {
  const policyId = spec.policyId || estate.policies()[0]?.id;
  if (!policyId) {
    throw new ConfigError(
      `Report "${spec.title}" needs a policyId, and the estate has no policies to default to.`,
    );
  }
  const launchDatetime = spec.launchDatetime ?? estate.options.referenceDate;
  const launchMs = Date.parse(launchDatetime);
  if (Number.isNaN(launchMs)) {
    throw new ConfigError(
      `Report "${spec.title}" has an invalid launchDatetime "${launchDatetime}"; use YYYY-MM-DDTHH:MM:SSZ.`,
    );
  }
  return {
    id: spec.id ?? String(fallbackId),
    title: spec.title,
    policyId,
    format: spec.format ?? 'csv',
    state: spec.state ?? 'Finished',
    launchDatetime: isoSeconds(launchMs),
    expirationDatetime: isoSeconds(launchMs + 7 * dayMs),
    userLogin: spec.userLogin ?? estate.options.userLogin,
    zipped: spec.zipped ?? false,
    groupBy: spec.groupBy ?? 'host',
    include: {
      criticality: spec.include?.criticality ?? true,
      evidence: spec.include?.evidence ?? true,
      exceptions: spec.include?.exceptions ?? true,
      header: spec.include?.header ?? true,
      extendedColumns: spec.include?.extendedColumns ?? false,
      assetTags: spec.include?.assetTags ?? true,
      statuses: spec.include?.statuses ?? 'all',
    },
    templateId: spec.templateId ?? '1234567',
    layout: spec.layout ?? defaults.layout ?? 'real',
    userTimeZone: spec.userTimeZone ?? defaults.userTimeZone ?? 'sydney',
  };
}

/** The state a report has at `nowMs`: launched reports go Submitted -> Running -> Finished. */
export function reportStateOf(report: SimReport, nowMs: number): { state: ReportState; percent?: number } {
  if (report.readyAt === undefined || report.launchedAt === undefined || report.state !== 'Submitted') {
    return report.state === 'Running' ? { state: 'Running', percent: 40 } : { state: report.state };
  }
  if (nowMs >= report.readyAt) return { state: 'Finished' };
  const span = Math.max(1, report.readyAt - report.launchedAt);
  const elapsed = nowMs - report.launchedAt;
  if (elapsed < span / 4) return { state: 'Submitted' };
  return { state: 'Running', percent: Math.min(99, Math.floor((elapsed / span) * 100)) };
}

/** Accepts a resolved report or a bare spec (resolved with the first report id). */
export function toSimReport(
  estate: Estate,
  spec: SimReport | SimReportSpec,
  defaults: ReportDefaults = {},
): SimReport {
  return 'expirationDatetime' in spec && 'include' in spec && spec.include && 'header' in spec.include
    ? (spec as SimReport)
    : resolveReportSpec(spec, estate, firstReportId, defaults);
}
