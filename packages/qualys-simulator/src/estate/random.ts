/**
 * Stateless, seeded hashing: every value of the estate is a pure function of
 * (seed, entity indexes, salt), so any record can be regenerated on its own, in any
 * order, without keeping the estate in memory.
 */
function finalize(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit unsigned hash of the seed and integer parts. */
export function hashInts(seed: number, ...parts: readonly number[]): number {
  let h = finalize((seed | 0) ^ 0x9e3779b9);
  for (const part of parts) {
    // Split large parts (e.g. epoch seconds) so no bits are lost to the 32-bit mix.
    const low = part | 0;
    const high = Math.floor(part / 4294967296) | 0;
    h = finalize((h + Math.imul(low, 0x27d4eb2d) + 0x165667b1) | 0);
    if (high !== 0) h = finalize((h + Math.imul(high, 0x1b873593)) | 0);
  }
  return h;
}

/** A number in [0, 1) derived from the seed and parts. */
export function unitInterval(seed: number, ...parts: readonly number[]): number {
  return hashInts(seed, ...parts) / 4294967296;
}

/** An integer in [0, size) derived from the seed and parts. */
export function pickIndex(size: number, seed: number, ...parts: readonly number[]): number {
  return Math.floor(unitInterval(seed, ...parts) * size);
}

export function pickOne<T>(items: readonly T[], seed: number, ...parts: readonly number[]): T {
  const item = items[pickIndex(items.length, seed, ...parts)];
  if (item === undefined) throw new RangeError('pickOne needs a non-empty list');
  return item;
}

/** A version-4-shaped UUID derived from the seed and parts. */
export function uuidOf(seed: number, ...parts: readonly number[]): string {
  const words = [0, 1, 2, 3].map((word) =>
    hashInts(seed, ...parts, 0x55_55 + word)
      .toString(16)
      .padStart(8, '0'),
  );
  const hex = words.join('');
  const variant = ((Number.parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Salts keep the streams of different attributes independent. */
export const salt = {
  hostOs: 1,
  hostPublic: 2,
  hostNetwork: 3,
  hostNetbios: 4,
  hostTracking: 5,
  hostScanDay: 6,
  hostScanSecond: 7,
  hostDatabase: 8,
  hostTags: 9,
  hostName: 10,
  hostUuid: 11,
  membership: 12,
  criticality: 13,
  status: 14,
  previous: 15,
  everOther: 16,
  everOtherAge: 17,
  flip: 18,
  flipTo: 19,
  evaluationDelay: 20,
  exception: 21,
  exceptionStatus: 22,
  subscription: 23,
  idBase: 24,
  deprecated: 25,
  customer: 26,
} as const;
