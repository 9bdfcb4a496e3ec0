import { dayMs } from './dates.ts';
import type { EstateContext } from './estate-context.ts';
import { hashInts, pickIndex, salt } from './random.ts';

/** The host's scan before any rescan: a seeded second in the 30 days before the reference date. */
export function baseScanMs(context: EstateContext, hostIndex: number): number {
  const { seed } = context;
  return (
    context.referenceMs -
    (1 + pickIndex(29, seed, hostIndex, salt.hostScanDay)) * dayMs +
    pickIndex(86_400, seed, hostIndex, salt.hostScanSecond) * 1000
  );
}

/** How long after a scan (of the given rescan generation) its posture is evaluated. */
export function evaluationDelayMs(context: EstateContext, hostIndex: number, generation: number): number {
  return (5 + (hashInts(context.seed, hostIndex, generation, salt.evaluationDelay) % 55)) * 60_000 + 17_000;
}
