import type { Policy, RejectedRecord } from '@posturesync/core';
import { echoValue } from '@posturesync/core';
import { qualysDateToIsoUtc as toIsoUtc } from '@posturesync/qualys-common';
import { idOf, stringOrNull } from './field-values.ts';

function lockedOf(value: unknown): boolean | null {
  if (value === 1 || value === true || value === '1' || value === 'true') return true;
  if (value === 0 || value === false || value === '0' || value === 'false') return false;
  return null;
}

/** Maps one `policyList` item; returns a reject instead when its id or a date is unusable. */
export function mapPolicy(
  item: unknown,
  subscriptionId: string | null,
  sourceName: string,
  position: string,
): { policy: Policy } | { reject: RejectedRecord } {
  if (item === null || typeof item !== 'object') {
    return { reject: { entity: 'policies', position, reason: 'policy is not a JSON object', raw: item } };
  }
  const p = item as Record<string, unknown>;
  const uid = idOf(p.id);
  if (uid === undefined) return { reject: { entity: 'policies', position, reason: 'missing id', raw: item } };
  const dates = {
    createdDate: toIsoUtc(stringOrNull(p.createdDate)),
    modifiedDate: toIsoUtc(stringOrNull(p.modifiedDate)),
    lastEvaluatedDate: toIsoUtc(stringOrNull(p.lastEvaluatedDate)),
  };
  for (const [field, value] of Object.entries(dates)) {
    if (value === undefined) {
      return {
        reject: {
          entity: 'policies',
          position,
          reason: `unparsable date in ${field}: ${echoValue(p[field])}`,
          raw: item,
        },
      };
    }
  }
  return {
    policy: {
      uid,
      sourceName,
      title: stringOrNull(p.title),
      status: stringOrNull(p.status),
      locked: lockedOf(p.locked),
      createdBy: stringOrNull(p.createdBy),
      createdDate: dates.createdDate ?? null,
      modifiedDate: dates.modifiedDate ?? null,
      lastEvaluated: dates.lastEvaluatedDate ?? null,
      raw: { ...p, subscriptionId },
    },
  };
}
