import { ConfigError } from '@posturesync/core';

const suffixes: Record<string, number> = { k: 1e3, m: 1e6, g: 1e9 };

/** `100k`, `1M`, `2.5m`, `5000000` -> a positive integer. */
export function parseCount(text: string, what: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kKmMgG]?)\s*$/.exec(text);
  const value = match ? Number(match[1]) * (suffixes[(match[2] ?? '').toLowerCase()] ?? 1) : Number.NaN;
  if (!Number.isFinite(value) || value <= 0) {
    throw new ConfigError(`${what}: "${text}" is not a positive count; write e.g. 100k, 1M or 250000.`);
  }
  return Math.round(value);
}

/** A short scenario-name label for a count: 100000 -> 100k, 1000000 -> 1m. */
export function countLabel(value: number): string {
  if (value >= 1e6 && value % 1e5 === 0) return `${value / 1e6}m`;
  if (value >= 1e3 && value % 100 === 0) return `${value / 1e3}k`;
  return String(value);
}

/** Megabytes label: 100 -> 100mb, 1000 -> 1gb. */
export function megabytesLabel(megabytes: number): string {
  return megabytes >= 1000 && megabytes % 100 === 0 ? `${megabytes / 1000}gb` : `${megabytes}mb`;
}
