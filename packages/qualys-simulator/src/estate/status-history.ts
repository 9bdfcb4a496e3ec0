import { dayMs } from './dates.ts';
import type { EstateContext } from './estate-context.ts';
import { pickIndex, salt, unitInterval } from './random.ts';
import { baseScanMs, evaluationDelayMs } from './scan-times.ts';
import { drawOther, drawStatus } from './status-draw.ts';
import type { SimHost, SimStatus } from './types.ts';

/** The dates and statuses of a result that follow from its evaluations, oldest first. */
export interface StatusHistory {
  status: SimStatus;
  previousStatus: SimStatus;
  /** Epoch ms of the first/last Passed and Failed evaluation; 0 when there was none. */
  firstPass: number;
  lastPass: number;
  firstFail: number;
  lastFail: number;
  /** When the status last changed (the first evaluation if it never did). */
  modifiedAt: number;
  evaluatedAt: number;
  /** The evaluation of the scan before any rescan. */
  baseEvaluationMs: number;
}

/**
 * Seeded evaluations of one result (`keys`: host index, CID, instance index): sometimes an old
 * opposite status, the previous and the current evaluation, then one per rescan, each flipping
 * with that rescan's flip share.
 */
export function statusHistory(
  context: EstateContext,
  host: SimHost,
  keys: readonly [number, number, number],
): StatusHistory {
  const { seed, weights } = context;
  const lastScanMs = Date.parse(host.complianceLastScanDate);
  const hostRescans = context.history.rescansOf(host.index) ?? [];
  const hostRatios = context.history.flipRatiosOf(host.index) ?? [];
  const generation = hostRescans.length;
  const baseEvaluationMs = baseScanMs(context, host.index) + evaluationDelayMs(context, host.index, 0);
  const events: Array<{ at: number; status: SimStatus }> = [];
  const s0 = drawStatus(weights, unitInterval(seed, ...keys, salt.status));
  const previous0 =
    unitInterval(seed, ...keys, salt.previous) < 0.85
      ? s0
      : drawOther(weights, s0, unitInterval(seed, ...keys, salt.previous, 1));
  if (unitInterval(seed, ...keys, salt.everOther) < 0.3) {
    const ageDays = 30 + pickIndex(300, seed, ...keys, salt.everOtherAge);
    events.push({
      at: baseEvaluationMs - ageDays * dayMs,
      status: previous0 === 'Passed' ? 'Failed' : 'Passed',
    });
  }
  events.push({ at: baseEvaluationMs - 7 * dayMs, status: previous0 });
  events.push({ at: baseEvaluationMs, status: s0 });
  let current = s0;
  for (let k = 1; k <= generation; k++) {
    if (unitInterval(seed, ...keys, k, salt.flip) < (hostRatios[k - 1] ?? context.options.rescanFlipRatio)) {
      current = drawOther(weights, current, unitInterval(seed, ...keys, k, salt.flipTo));
    }
    events.push({
      at: (hostRescans[k - 1] ?? lastScanMs) + evaluationDelayMs(context, host.index, k),
      status: current,
    });
  }
  let firstPass = 0;
  let lastPass = 0;
  let firstFail = 0;
  let lastFail = 0;
  let modifiedAt = events[0]!.at;
  events.forEach((event, eventIndex) => {
    if (event.status === 'Passed') {
      firstPass ||= event.at;
      lastPass = event.at;
    } else if (event.status === 'Failed') {
      firstFail ||= event.at;
      lastFail = event.at;
    }
    if (eventIndex > 0 && events[eventIndex - 1]!.status !== event.status) modifiedAt = event.at;
  });
  const last = events[events.length - 1]!;
  return {
    status: last.status,
    previousStatus: events[events.length - 2]!.status,
    firstPass,
    lastPass,
    firstFail,
    lastFail,
    modifiedAt,
    evaluatedAt: last.at,
    baseEvaluationMs,
  };
}
