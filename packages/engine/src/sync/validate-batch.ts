import type { RecordBatch, SecretRedactor } from '@posturesync/core';
import {
  depthLimited,
  type EntityName,
  entityNames,
  entitySchemas,
  jsonDepthExceeds,
  truncateEcho,
} from '@posturesync/core';
import type { z } from 'zod';
import type { RecordSet } from '../store/types.ts';
import { recordChecks } from './record-checks.ts';

/**
 * Deepest nesting a record may have: model records are a few levels deep, source `raw` fields a
 * few more. Deeper data cannot be stored as JSON safely, so the record is quarantined (issue 13).
 */
export const maxRecordDepth = 64;
/** Quarantined copies keep this much of an over-deep record, enough to recognise it. */
const quarantinedDepth = 16;

export interface QuarantineEntry {
  entity: string;
  position: string;
  reason: string;
  /** Redacted copy of what the connector produced. */
  raw: unknown;
}

export interface ValidatedBatch {
  records: Required<RecordSet>;
  quarantine: QuarantineEntry[];
}

const maxReasonLength = 2000;

/** `firstFailed: Invalid ISO datetime; tags: expected array, received undefined`. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const text = issues
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
  return text.length > maxReasonLength ? `${text.slice(0, maxReasonLength)}...` : text;
}

/** Deep-redacts a rejected record; a cyclic structure (which deep redaction cannot walk) is kept as text. */
function redactedRaw(redactor: SecretRedactor, value: unknown): unknown {
  try {
    return redactor.redactValue(
      jsonDepthExceeds(value, maxRecordDepth) ? depthLimited(value, quarantinedDepth) : value,
    );
  } catch {
    return redactor.redact(String(value));
  }
}

function uidOf(record: unknown): string | null {
  if (record && typeof record === 'object' && 'uid' in record) {
    const uid = (record as { uid: unknown }).uid;
    if (typeof uid === 'string' || typeof uid === 'number') return String(uid);
  }
  return null;
}

/**
 * Checks every record against the model schemas. A record that fails is set aside for the
 * quarantine (with its source position and a readable reason) instead of failing the batch;
 * connector-side rejects join it there.
 */
export function validateBatch(batch: RecordBatch, redactor: SecretRedactor): ValidatedBatch {
  const records: Required<RecordSet> = { hosts: [], policies: [], definitions: [], violations: [] };
  const quarantine: QuarantineEntry[] = [];
  for (const entity of entityNames) {
    const incoming: readonly unknown[] | undefined = batch[entity];
    if (!incoming || incoming.length === 0) continue;
    const schema = entitySchemas[entity] as z.ZodType;
    const check = recordChecks[entity];
    const valid: unknown[] = [];
    for (let index = 0; index < incoming.length; index += 1) {
      const record = incoming[index];
      if (jsonDepthExceeds(record, maxRecordDepth)) {
        const uid = uidOf(record);
        quarantine.push({
          entity,
          position: `${batch.position} ${entity}[${index}]${uid === null ? '' : ` uid ${uid}`}`,
          reason: `the record is nested deeper than ${maxRecordDepth} levels; no real record is, so it cannot be stored`,
          raw: redactedRaw(redactor, record),
        });
        continue;
      }
      // The fast check passes only records zod would accept unchanged; zod decides the rest.
      if (check(record)) {
        valid.push(record);
        continue;
      }
      const result = schema.safeParse(record);
      if (result.success) {
        valid.push(result.data);
        continue;
      }
      const uid = uidOf(record);
      quarantine.push({
        entity,
        position: `${batch.position} ${entity}[${index}]${uid === null ? '' : ` uid ${uid}`}`,
        reason: redactor.redact(describeIssues(result.error.issues)),
        raw: redactedRaw(redactor, record),
      });
    }
    (records as Record<EntityName, unknown[]>)[entity] = valid;
  }
  for (const reject of batch.rejects ?? []) {
    quarantine.push({
      entity: reject.entity,
      position: reject.position,
      // Redact first, then cut: a reason may echo a 5 MB cell (issue 13).
      reason: truncateEcho(redactor.redact(reject.reason)),
      raw: redactedRaw(redactor, reject.raw),
    });
  }
  return { records, quarantine };
}
