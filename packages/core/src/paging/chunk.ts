import { ConfigError } from '../errors/index.ts';

/** Splits items into batches of `size` (the last may be smaller), e.g. host IDs per postureInfo call. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) {
    throw new ConfigError(
      `Batch size must be a positive whole number, got ${size}. Check the batch size setting.`,
      {
        details: { size },
      },
    );
  }
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  return batches;
}
