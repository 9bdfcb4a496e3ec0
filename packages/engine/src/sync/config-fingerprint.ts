import { createHash } from 'node:crypto';
import type { SecretField, SecretRedactor } from '@posturesync/core';

/** Secret keys may be top-level (`password`) or dotted paths into nested blocks (`auth.password`). */
function valueAt(config: unknown, path: string): unknown {
  let current: unknown = config;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function withoutPath(value: unknown, parts: readonly string[]): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || parts.length === 0) return value;
  const [head, ...rest] = parts as [string, ...string[]];
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  if (!(head in copy)) return value;
  if (rest.length === 0) delete copy[head];
  else copy[head] = withoutPath(copy[head], rest);
  return copy;
}

/** JSON with object keys sorted at every level and `undefined` dropped, so equal configs hash equally. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, inner]) => inner !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`).join(',')}}`;
}

/** The config without its secret keys: what may be fingerprinted, logged or stored. */
export function configWithoutSecrets(config: unknown, secrets: readonly SecretField[]): unknown {
  return secrets.reduce<unknown>((current, secret) => withoutPath(current, secret.key.split('.')), config);
}

/**
 * sha256 of the canonical JSON of the config minus its secrets. Two runs with the same
 * fingerprint read the same data; a changed fingerprint means the user changed the config.
 */
export function configFingerprint(config: unknown, secrets: readonly SecretField[]): string {
  return createHash('sha256')
    .update(canonicalJson(configWithoutSecrets(config, secrets)))
    .digest('hex');
}

/** Registers every secret value of the config with the redactor before anything is logged. */
export function registerConfigSecrets(
  redactor: SecretRedactor,
  config: unknown,
  secrets: readonly SecretField[],
): void {
  for (const secret of secrets) {
    const value = valueAt(config, secret.key);
    if (typeof value === 'string') redactor.add(value);
    else if (typeof value === 'number') redactor.add(String(value));
  }
}
