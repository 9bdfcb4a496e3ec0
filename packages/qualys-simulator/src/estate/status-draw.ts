import type { SimStatus, StatusRatios } from './types.ts';

const statuses: readonly SimStatus[] = ['Passed', 'Failed', 'Error'];

/** Passed / Failed / Error shares of the ratios, summing to 1 (in the order of `statuses`). */
export function statusWeights(ratios: StatusRatios): readonly number[] {
  const sum = ratios.passed + ratios.failed + ratios.error;
  return [ratios.passed / sum, ratios.failed / sum, ratios.error / sum];
}

/** The status a uniform draw `u` in [0, 1) falls on. */
export function drawStatus(weights: readonly number[], u: number): SimStatus {
  if (u < (weights[0] ?? 0)) return 'Passed';
  if (u < (weights[0] ?? 0) + (weights[1] ?? 0)) return 'Failed';
  return 'Error';
}

/** Another status than `current`, weighted like the rest; `current` itself when no other has weight. */
export function drawOther(weights: readonly number[], current: SimStatus, u: number): SimStatus {
  const others = statuses.filter((status) => status !== current);
  const otherWeights = others.map((status) => weights[statuses.indexOf(status)] ?? 0);
  const total = otherWeights.reduce((sum, weight) => sum + weight, 0);
  if (total === 0) return current;
  return u * total < (otherWeights[0] ?? 0) ? (others[0] ?? current) : (others[1] ?? current);
}
