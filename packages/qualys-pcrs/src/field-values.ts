import { qualysDateToIsoUtc as toIsoUtc } from '@posturesync/qualys-common';

/** An ID from a JSON number (already exact: see parseJsonElement) or string; undefined when absent. */
export function idOf(value: unknown): string | undefined {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return value.toString();
  return undefined;
}

export function stringOrNull(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

export type DateValue = string | null | undefined;

/**
 * `toIsoUtc` with a memo: a posture response repeats the same few timestamps (a host's scan
 * date, a policy's evaluation date) on thousands of records. Returns undefined for a value
 * that cannot be parsed so the caller can reject the record.
 */
export function createDateNormalizer(maxEntries = 50_000): (value: unknown) => DateValue {
  let cache = new Map<string, DateValue>();
  return (value) => {
    if (value === null || value === undefined || value === '') return null;
    if (typeof value !== 'string') return typeof value === 'number' ? toIsoUtc(value) : undefined;
    const known = cache.get(value);
    if (known !== undefined || cache.has(value)) return known;
    const parsed = toIsoUtc(value);
    if (cache.size >= maxEntries) cache = new Map();
    cache.set(value, parsed);
    return parsed;
  };
}

/**
 * Remembers keys up to a bound, then forgets them all: used to emit each host and definition
 * once per run without letting memory grow with the estate (a forgotten key is only emitted
 * again, and upserts are idempotent).
 */
export class BoundedKeySet {
  readonly #max: number;
  #keys = new Set<string>();
  constructor(max: number) {
    this.#max = max;
  }
  /** True the first time a key is seen (since the last reset). */
  add(key: string): boolean {
    if (this.#keys.has(key)) return false;
    if (this.#keys.size >= this.#max) this.#keys = new Set();
    this.#keys.add(key);
    return true;
  }
  /** Forgets a key, so the next `add` of it is a first sighting again. */
  delete(key: string): void {
    this.#keys.delete(key);
  }
  get size(): number {
    return this.#keys.size;
  }
}
