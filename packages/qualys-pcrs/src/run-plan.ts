import { chunk, type ReadRequest } from '@posturesync/core';
import { type PcrsRunState, type PcrsState, toQualysDate } from './checkpoint-state.ts';

export type RunMode = 'full' | 'incremental' | 'resume';

export interface RunPlan {
  run: PcrsRunState;
  mode: RunMode;
}

function has<T>(record: Record<string, T>, key: string): boolean {
  return Object.hasOwn(record, key);
}

/**
 * Decides what this read covers, per selected policy: a resumed run keeps the host filter each
 * policy had when it started; otherwise a policy with a watermark asks for hosts scanned since
 * that watermark minus the safety margin, and a policy without one (new to the sync, or whose
 * last sync failed before it ever completed) is fetched in full. `--full` fetches all in full.
 */
export function planRun(
  previous: PcrsState,
  policyIds: readonly string[],
  request: Pick<ReadRequest, 'full' | 'runStartedAt'>,
  safetyMarginMinutes: number,
): RunPlan {
  const resumed = !request.full && previous.run !== null ? previous.run : null;
  const lastScanDates: Record<string, string | null> = {};
  for (const policyId of policyIds) {
    if (resumed && has(resumed.lastScanDates, policyId)) {
      lastScanDates[policyId] = resumed.lastScanDates[policyId] ?? null;
      continue;
    }
    const watermark = request.full ? Number.NaN : Date.parse(previous.watermarks[policyId] ?? '');
    lastScanDates[policyId] = Number.isFinite(watermark)
      ? toQualysDate(new Date(watermark - safetyMarginMinutes * 60_000))
      : null;
  }
  const incremental = Object.values(lastScanDates).some((date) => date !== null);
  return {
    run: {
      startedAt: resumed?.startedAt ?? request.runStartedAt,
      lastScanDates,
      completedBatchKeys: resumed ? [...resumed.completedBatchKeys] : [],
    },
    mode: resumed ? 'resume' : incremental ? 'incremental' : 'full',
  };
}

export interface HostIdsGroup {
  lastScanDate: string | null;
  policyIds: string[];
}

/**
 * Groups policies into hostids calls: one `lastScanDate` per call, so only policies sharing a
 * filter share a call, at most `policiesPerCall` of them. Groups follow the first appearance of
 * each filter in `policyIds` order, so a rerun makes the same calls.
 */
export function hostIdsGroups(
  policyIds: readonly string[],
  lastScanDates: Readonly<Record<string, string | null>>,
  policiesPerCall: number,
): HostIdsGroup[] {
  const byDate = new Map<string | null, string[]>();
  for (const policyId of policyIds) {
    const date = lastScanDates[policyId] ?? null;
    const members = byDate.get(date);
    if (members) members.push(policyId);
    else byDate.set(date, [policyId]);
  }
  const groups: HostIdsGroup[] = [];
  const size = Math.max(1, policiesPerCall);
  for (const [lastScanDate, members] of byDate) {
    for (const policyIds of chunk(members, size)) groups.push({ lastScanDate, policyIds });
  }
  return groups;
}

/**
 * The watermarks after a finished read: each policy whose every call was stored moves to the
 * start of the run (of its first attempt, when resumed); every other policy (a failed hostids
 * call, or not selected this time) keeps the watermark it had, so nothing it missed is skipped.
 */
export function nextWatermarks(
  previous: Readonly<Record<string, string>>,
  completedPolicyIds: Iterable<string>,
  watermark: string,
): Record<string, string> {
  const next: Record<string, string> = { ...previous };
  for (const policyId of completedPolicyIds) next[policyId] = watermark;
  return next;
}

/** A one-line summary of the plan for the log. */
export function describePlan(plan: RunPlan): string {
  const dates = Object.values(plan.run.lastScanDates);
  const full = dates.filter((date) => date === null).length;
  const since = [...new Set(dates.filter((date): date is string => date !== null))].sort();
  const parts: string[] = [];
  if (since.length > 0) {
    parts.push(`${dates.length - full} policies incrementally (hosts scanned since ${since.join(' / ')})`);
  }
  if (full > 0) parts.push(`${full} policies in full (all hosts)`);
  const what = parts.length > 0 ? parts.join(', ') : 'no policies';
  if (plan.mode === 'resume') {
    return `resuming the interrupted sync started ${plan.run.startedAt}: ${plan.run.completedBatchKeys.length} postureInfo calls are already stored; ${what}`;
  }
  return `${plan.mode} sync: ${what}`;
}
