import type { ResultFilter, SimHost, SimResult } from './types.ts';

/** The filter's scan-date bounds, checked per host before any of its results is generated. */
export function passesHostFilter(host: SimHost, filter: ResultFilter | undefined): boolean {
  if (!filter) return true;
  const scanMs = Date.parse(host.complianceLastScanDate);
  if (filter.lastScanDate && scanMs < filter.lastScanDate.getTime()) return false;
  if (filter.lastScanDateFrom && scanMs < filter.lastScanDateFrom.getTime()) return false;
  if (filter.lastScanDateTo && scanMs > filter.lastScanDateTo.getTime()) return false;
  return true;
}

/** The filter's evaluation and status-change bounds, checked per result. */
export function passesResultFilter(result: SimResult, filter: ResultFilter | undefined): boolean {
  if (!filter) return true;
  if (
    filter.lastEvaluationDate &&
    Date.parse(result.lastEvaluatedDate) < filter.lastEvaluationDate.getTime()
  ) {
    return false;
  }
  if (
    filter.statusChangedSince &&
    Date.parse(result.postureModifiedDate) < filter.statusChangedSince.getTime()
  ) {
    return false;
  }
  return true;
}
