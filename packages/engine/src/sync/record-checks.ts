import type { EntityName } from '@posturesync/core';
import { isoDateSchema } from '@posturesync/core';

/**
 * Hand-written structural checks with exactly the rules of the zod schemas in
 * `model/records.ts`, for the sync's hot path: `safeParse` of every record cost about 10% of a
 * PCRS sync's CPU (issue 7). A check is allowed to be stricter than its schema, never looser:
 * `validateBatch` keeps a record that passes as it is and sends anything else (an invalid
 * record, or a valid but unusual one) through zod, which decides and words the error.
 * `record-checks.test.ts` compares both on valid and mutated records.
 */
export type RecordCheck = (record: unknown) => boolean;

/** The very pattern zod tests `z.iso.datetime({ offset: false })` with, so the two cannot drift. */
const isoDatePattern: RegExp = (() => {
  const pattern = isoDateSchema.unwrap()._zod.def.pattern;
  if (!(pattern instanceof RegExp)) throw new Error('zod no longer exposes the ISO datetime pattern');
  return pattern;
})();

const complianceStatuses = new Set<unknown>(['passed', 'failed', 'error', 'unknown']);
const statusCategories = new Set<unknown>(['open', 'closed']);
const severities = new Set<unknown>(['critical', 'high', 'medium', 'low', 'info', 'undefined']);

type Fields = Record<string, unknown>;

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `z.string().min(1).max(256)` */
function isId(value: unknown): boolean {
  return typeof value === 'string' && value.length >= 1 && value.length <= 256;
}

/** `z.string().min(1)` */
function isNonEmptyString(value: unknown): boolean {
  return typeof value === 'string' && value.length >= 1;
}

function isNullableString(value: unknown): boolean {
  return value === null || typeof value === 'string';
}

function isNullableBoolean(value: unknown): boolean {
  return value === null || typeof value === 'boolean';
}

function isIsoDate(value: unknown): boolean {
  return value === null || (typeof value === 'string' && isoDatePattern.test(value));
}

function isStringArray(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (let index = 0; index < value.length; index += 1) {
    if (typeof value[index] !== 'string') return false;
  }
  return true;
}

/**
 * `z.record(z.string(), z.unknown())`, narrowed to the common case in which zod's output
 * serialises exactly like the input: a plain (or null-prototype) object without symbol keys,
 * an own `__proto__` (zod drops it) or an own `constructor` (zod's plain-object test reads it).
 */
function isSimpleRecord(value: unknown): boolean {
  if (!isObject(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  if (Object.hasOwn(value, '__proto__') || Object.hasOwn(value, 'constructor')) return false;
  return Object.getOwnPropertySymbols(value).length === 0;
}

function isCriticalityValue(value: unknown): boolean {
  return value === null || (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 5);
}

function isHost(value: unknown): boolean {
  if (!isObject(value)) return false;
  const r = value;
  return (
    isId(r.uid) &&
    isNonEmptyString(r.sourceName) &&
    isNullableString(r.hostname) &&
    isStringArray(r.ipAddresses) &&
    isStringArray(r.publicIpAddresses) &&
    isStringArray(r.privateIpAddresses) &&
    isStringArray(r.dnsNames) &&
    isNullableString(r.netbios) &&
    isNullableString(r.os) &&
    isNullableString(r.trackingMethod) &&
    isNullableString(r.network) &&
    isNullableString(r.networkId) &&
    isNullableString(r.sourceHostId) &&
    isNullableString(r.assetId) &&
    isIsoDate(r.lastScanned) &&
    isStringArray(r.tags) &&
    isSimpleRecord(r.raw)
  );
}

function isPolicy(value: unknown): boolean {
  if (!isObject(value)) return false;
  const r = value;
  return (
    isId(r.uid) &&
    isNonEmptyString(r.sourceName) &&
    isNullableString(r.title) &&
    isNullableString(r.status) &&
    isNullableBoolean(r.locked) &&
    isNullableString(r.createdBy) &&
    isIsoDate(r.createdDate) &&
    isIsoDate(r.modifiedDate) &&
    isIsoDate(r.lastEvaluated) &&
    isSimpleRecord(r.raw)
  );
}

function isDefinition(value: unknown): boolean {
  if (!isObject(value)) return false;
  const r = value;
  return (
    isId(r.uid) &&
    isNonEmptyString(r.sourceName) &&
    isId(r.policyUid) &&
    isId(r.controlId) &&
    isNullableString(r.technologyId) &&
    isNullableString(r.technologyName) &&
    isNullableString(r.statement) &&
    isNullableString(r.description) &&
    isNullableString(r.recommendation) &&
    isNullableString(r.controlReference) &&
    isNullableString(r.criticalityLabel) &&
    isCriticalityValue(r.criticalityValue) &&
    severities.has(r.severity) &&
    isNullableBoolean(r.deprecated) &&
    isIsoDate(r.sourceCreated) &&
    isIsoDate(r.sourceLastModified) &&
    isSimpleRecord(r.raw)
  );
}

function isViolation(value: unknown): boolean {
  if (!isObject(value)) return false;
  const r = value;
  return (
    isId(r.uid) &&
    isNonEmptyString(r.sourceName) &&
    isId(r.hostUid) &&
    isId(r.policyUid) &&
    isId(r.definitionUid) &&
    isId(r.controlId) &&
    isNullableString(r.technologyId) &&
    isNullableString(r.instance) &&
    complianceStatuses.has(r.status) &&
    (r.previousStatus === null || complianceStatuses.has(r.previousStatus)) &&
    statusCategories.has(r.statusCategory) &&
    isIsoDate(r.firstFailed) &&
    isIsoDate(r.lastFailed) &&
    isIsoDate(r.firstPassed) &&
    isIsoDate(r.lastPassed) &&
    isIsoDate(r.lastEvaluated) &&
    isIsoDate(r.sourceLastModified) &&
    isNullableString(r.expectedValue) &&
    isNullableString(r.actualValue) &&
    // `z.unknown().nullable()` takes any value, even undefined, but zod still wants the key.
    Object.hasOwn(r, 'evidence') &&
    Object.hasOwn(r, 'causeOfFailure') &&
    (r.exception === null || isSimpleRecord(r.exception)) &&
    isNullableString(r.network) &&
    isSimpleRecord(r.raw)
  );
}

export const recordChecks: Readonly<Record<EntityName, RecordCheck>> = {
  hosts: isHost,
  policies: isPolicy,
  definitions: isDefinition,
  violations: isViolation,
};
