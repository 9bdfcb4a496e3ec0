import { z } from 'zod';
import { severitySchema } from './severity.ts';
import { complianceStatusSchema, statusCategorySchema } from './status.ts';

/**
 * IDs are strings everywhere: Qualys posture record IDs exceed 2^31 and some exceed 2^53
 * risk territory for JavaScript numbers once summed or hashed, and the commercial
 * connectors moved to strings for the same reason.
 */
export const idSchema = z.string().min(1).max(256);

/** ISO-8601 UTC timestamp as produced by `toIsoUtc`, or null when the source had none. */
export const isoDateSchema = z.iso.datetime({ offset: false }).nullable();

/** The source's own fields, kept as they came (JSON-serialisable). */
export const rawFieldsSchema = z.record(z.string(), z.unknown());

export const hostSchema = z.object({
  uid: idSchema,
  sourceName: z.string().min(1),
  hostname: z.string().nullable(),
  ipAddresses: z.array(z.string()),
  publicIpAddresses: z.array(z.string()),
  privateIpAddresses: z.array(z.string()),
  dnsNames: z.array(z.string()),
  netbios: z.string().nullable(),
  os: z.string().nullable(),
  trackingMethod: z.string().nullable(),
  network: z.string().nullable(),
  networkId: z.string().nullable(),
  /** The source's own ID for the host (for Qualys, the QG host ID), kept apart from `uid`. */
  sourceHostId: z.string().nullable(),
  assetId: z.string().nullable(),
  lastScanned: isoDateSchema,
  tags: z.array(z.string()),
  raw: rawFieldsSchema,
});
export type Host = z.infer<typeof hostSchema>;

export const policySchema = z.object({
  uid: idSchema,
  sourceName: z.string().min(1),
  title: z.string().nullable(),
  status: z.string().nullable(),
  locked: z.boolean().nullable(),
  createdBy: z.string().nullable(),
  createdDate: isoDateSchema,
  modifiedDate: isoDateSchema,
  lastEvaluated: isoDateSchema,
  raw: rawFieldsSchema,
});
export type Policy = z.infer<typeof policySchema>;

/** One per policy x control x technology: what a finding violates and how to fix it. */
export const violationDefinitionSchema = z.object({
  uid: idSchema,
  sourceName: z.string().min(1),
  policyUid: idSchema,
  controlId: idSchema,
  technologyId: z.string().nullable(),
  technologyName: z.string().nullable(),
  statement: z.string().nullable(),
  description: z.string().nullable(),
  recommendation: z.string().nullable(),
  controlReference: z.string().nullable(),
  criticalityLabel: z.string().nullable(),
  criticalityValue: z.number().int().min(0).max(5).nullable(),
  severity: severitySchema,
  deprecated: z.boolean().nullable(),
  sourceCreated: isoDateSchema,
  sourceLastModified: isoDateSchema,
  raw: rawFieldsSchema,
});
export type ViolationDefinition = z.infer<typeof violationDefinitionSchema>;

/** One per host x policy x control x technology x instance: a compliance result. */
export const violationSchema = z.object({
  uid: idSchema,
  sourceName: z.string().min(1),
  hostUid: idSchema,
  policyUid: idSchema,
  definitionUid: idSchema,
  controlId: idSchema,
  technologyId: z.string().nullable(),
  instance: z.string().nullable(),
  status: complianceStatusSchema,
  previousStatus: complianceStatusSchema.nullable(),
  statusCategory: statusCategorySchema,
  firstFailed: isoDateSchema,
  lastFailed: isoDateSchema,
  firstPassed: isoDateSchema,
  lastPassed: isoDateSchema,
  lastEvaluated: isoDateSchema,
  sourceLastModified: isoDateSchema,
  expectedValue: z.string().nullable(),
  actualValue: z.string().nullable(),
  /** Raw nested objects from the source (evidence, causeOfFailure, exception...), kept as JSON. */
  evidence: z.unknown().nullable(),
  causeOfFailure: z.unknown().nullable(),
  exception: z.record(z.string(), z.unknown()).nullable(),
  network: z.string().nullable(),
  raw: rawFieldsSchema,
});
export type Violation = z.infer<typeof violationSchema>;

export const entityNames = ['hosts', 'policies', 'definitions', 'violations'] as const;
export type EntityName = (typeof entityNames)[number];

export const entitySchemas = {
  hosts: hostSchema,
  policies: policySchema,
  definitions: violationDefinitionSchema,
  violations: violationSchema,
} as const;

/** Builds a stable composite ID from parts; empty parts keep their slot so IDs never collide. */
export function compositeId(...parts: ReadonlyArray<string | number | null | undefined>): string {
  return parts.map((part) => (part === null || part === undefined ? '' : String(part))).join(':');
}
