import type { Policy } from '@posturesync/core';
import { parseBoolean } from './map-report-row.ts';
import { reportDate } from './report-date.ts';
import type { FieldValues } from './report-records.ts';

/** The SUMMARY fields a Policy record and the report's expected counts are read from. */
export type SummaryFields = FieldValues<
  | 'policyId'
  | 'title'
  | 'locked'
  | 'modifiedDate'
  | 'lastEvaluated'
  | 'controlInstances'
  | 'passed'
  | 'failed'
  | 'error'
>;

/** The Policy record of a SUMMARY row, under the ID resolved for it. */
export function summaryPolicy(policyId: string, fields: SummaryFields, sourceName: string): Policy {
  return {
    uid: policyId,
    sourceName,
    title: fields.title,
    status: null,
    locked: parseBoolean(fields.locked),
    createdBy: null,
    createdDate: null,
    modifiedDate: reportDate(fields.modifiedDate) ?? null,
    lastEvaluated: reportDate(fields.lastEvaluated) ?? null,
    raw: { ...fields },
  };
}

/** A policy known only from its results (no SUMMARY row for it): its ID and nothing else. */
export function placeholderPolicy(policyId: string, sourceName: string): Policy {
  return {
    uid: policyId,
    sourceName,
    title: null,
    status: null,
    locked: null,
    createdBy: null,
    createdDate: null,
    modifiedDate: null,
    lastEvaluated: null,
    raw: {},
  };
}
