import { resolveEstateOptions } from './estate-options.ts';
import { hashInts, salt, uuidOf } from './random.ts';
import { RescanHistory } from './rescan-history.ts';
import { statusWeights } from './status-draw.ts';
import type { EstateOptions } from './types.ts';

/** Host IDs are `hostBase + index * hostStride`, so an ID maps back to its index without a table. */
export const hostStride = 7;

/** Everything the generators of one estate share: resolved options, seeded ID bases and the rescans. */
export interface EstateContext {
  readonly options: Required<EstateOptions>;
  readonly seed: number;
  /** The reference date in epoch milliseconds, whole seconds. */
  readonly referenceMs: number;
  /** Passed / Failed / Error shares (see `status-draw.ts`). */
  readonly weights: readonly number[];
  readonly hostBase: number;
  readonly assetBase: number;
  readonly policyBase: number;
  readonly recordBase: number;
  readonly customerUuid: string;
  readonly customerId: string;
  /** The only mutable state of an estate. */
  readonly history: RescanHistory;
}

export function createEstateContext(input: EstateOptions): EstateContext {
  const options = resolveEstateOptions(input);
  const { seed } = options;
  return {
    options,
    seed,
    referenceMs: Math.floor(Date.parse(options.referenceDate) / 1000) * 1000,
    weights: statusWeights(options.statusRatios),
    hostBase: 400_000_000 + (hashInts(seed, salt.idBase, 1) % 100_000) * 1000,
    assetBase: 800_000_000 + (hashInts(seed, salt.idBase, 2) % 100_000) * 1000,
    policyBase: 1_000_000 + (hashInts(seed, salt.idBase, 3) % 8_000_000),
    recordBase: 20_000_000_000 + (hashInts(seed, salt.idBase, 4) % 1000) * 10_000_000,
    customerUuid: uuidOf(seed, salt.customer),
    customerId: String(10_000 + (hashInts(seed, salt.customer, 1) % 90_000)),
    history: new RescanHistory(),
  };
}
