import { ConfigError } from '@posturesync/core';
import { hashInts, salt } from './random.ts';
import type { EstateOptions } from './types.ts';

const defaultReferenceDate = '2024-05-01T06:00:00Z';

/** Fills in every default and rejects options no estate can be generated from. */
export function resolveEstateOptions(options: EstateOptions): Required<EstateOptions> {
  const seed = options.seed ?? 1;
  const resolved: Required<EstateOptions> = {
    seed,
    hosts: options.hosts ?? 20,
    policies: options.policies ?? 3,
    controlsPerPolicy: options.controlsPerPolicy ?? 10,
    subscriptionId: options.subscriptionId ?? String(100_000 + (hashInts(seed, salt.subscription) % 900_000)),
    referenceDate: options.referenceDate ?? defaultReferenceDate,
    statusRatios: options.statusRatios ?? { passed: 0.7, failed: 0.25, error: 0.05 },
    publicIpRatio: options.publicIpRatio ?? 0.2,
    membershipRatio: options.membershipRatio ?? 0.9,
    exceptionRatio: options.exceptionRatio ?? 0.08,
    rescanFlipRatio: options.rescanFlipRatio ?? 0.2,
    flipRatio: options.flipRatio ?? 0.1,
    companyName: options.companyName ?? 'Acme Corporation',
    userLogin: options.userLogin ?? 'acme_ab12',
  };
  for (const key of ['hosts', 'policies', 'controlsPerPolicy'] as const) {
    const value = resolved[key];
    if (!Number.isInteger(value) || value < 0) {
      throw new ConfigError(`Estate option "${key}" must be a non-negative integer, got ${String(value)}.`);
    }
  }
  for (const key of ['rescanFlipRatio', 'flipRatio'] as const) {
    const value = resolved[key];
    if (!(value >= 0 && value <= 1)) {
      throw new ConfigError(`Estate option "${key}" must be a share between 0 and 1, got ${String(value)}.`);
    }
  }
  if (Number.isNaN(Date.parse(resolved.referenceDate))) {
    throw new ConfigError(
      `Estate option "referenceDate" must be an ISO date such as 2024-05-01T06:00:00Z, got "${resolved.referenceDate}".`,
    );
  }
  const { passed, failed, error } = resolved.statusRatios;
  if (!(passed >= 0 && failed >= 0 && error >= 0 && passed + failed + error > 0)) {
    throw new ConfigError(
      'Estate option "statusRatios" needs non-negative passed/failed/error with a positive sum.',
    );
  }
  return resolved;
}
