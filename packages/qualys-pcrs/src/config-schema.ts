import { baseUrlProblem, ConfigError } from '@posturesync/core';
import { platformOrUrlProblem, qualysConnectionOptions } from '@posturesync/qualys-common';
import { z } from 'zod';
import { defaultPcrsApiVersion, pcrsApiVersions } from './api-version.ts';
import { platformGateways, platformNames } from './platforms.ts';

const policyIdSchema = z
  .union([z.string().trim().min(1), z.number().int().nonnegative()])
  .transform((value) => String(value));

const isoDateFilterSchema = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z)?$/,
    'expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC), as the PCRS API accepts',
  );

export const qualysPcrsConfigSchema = z
  .object({
    platform: z
      .enum(platformNames)
      .optional()
      .describe(
        'Qualys platform of the subscription (US1..US4, EU1..EU3, IN1, CA1, AE1, UK1, AU1, KSA1); selects the gateway URL. Give this or gatewayUrl.',
      ),
    gatewayUrl: z
      .url()
      .optional()
      .describe(
        'Gateway base URL for private-cloud platforms, e.g. https://gateway.qg1.apps.example.com. Give this or platform.',
      ),
    username: z
      .string()
      .min(1)
      .describe('Qualys user name with the Policy Compliance (PC) module and API access.'),
    password: z
      .string()
      .min(1)
      .describe('Qualys password. Secret: read from the QUALYS_PASSWORD environment variable.'),
    apiVersion: z
      .enum(pcrsApiVersions)
      .default(defaultPcrsApiVersion)
      .describe(
        'PCRS API version for hostids and postureInfo (1.0..5.0). Default 2.0, the newest version that returns both PC and SCA postures.',
      ),
    policyIds: z
      .object({
        include: z
          .array(policyIdSchema)
          .optional()
          .describe('Only these policy IDs are synced (all policies when absent or empty).'),
        exclude: z
          .array(policyIdSchema)
          .optional()
          .describe('These policy IDs are never synced; wins over include.'),
      })
      .default({})
      .describe('Policy ID filters, compared as strings.'),
    activeOnly: z.boolean().default(true).describe('Sync only policies whose status is active.'),
    evidence: z
      .boolean()
      .default(false)
      .describe(
        'Request evidence and cause of failure (evidenceRequired=1); makes Qualys responses slower and larger.',
      ),
    batchSize: z
      .number()
      .int()
      .min(1)
      .max(5000)
      .default(1000)
      .describe('Host IDs per postureInfo request (1..5000).'),
    policiesPerHostIdsCall: z
      .number()
      .int()
      .min(1)
      .max(10)
      .default(10)
      .describe('Policy IDs per hostids request (Qualys allows at most 10).'),
    parallelRequests: z
      .number()
      .int()
      .min(1)
      .max(16)
      .default(2)
      .describe('Concurrent PCRS requests, shared by all policies.'),
    maxRetries: z
      .number()
      .int()
      .min(0)
      .max(20)
      .default(5)
      .describe(
        'Retries per request after 5xx, timeouts or broken responses. Throttling (429) is waited out instead, see maxThrottleWaitMinutes.',
      ),
    ...qualysConnectionOptions({ urlKey: 'gatewayUrl', server: 'gateway' }),
    rateLimit: z
      .union([
        z.literal(false),
        z.object({
          requests: z.number().int().min(1).describe('Requests allowed per window.'),
          perSeconds: z.number().positive().describe('Window length in seconds.'),
        }),
      ])
      .default({ requests: 25, perSeconds: 60 })
      .describe(
        'Client-side pacing of PCRS requests (Qualys default: 25 requests per 60 s per subscription); false disables it.',
      ),
    incrementalSafetyMarginMinutes: z
      .number()
      .int()
      .min(0)
      .default(60)
      .describe(
        'An incremental sync asks each policy for hosts scanned since its last complete sync started, minus this margin.',
      ),
    lastEvaluationDate: isoDateFilterSchema
      .optional()
      .describe(
        'Only policies evaluated on or after this UTC date (policy list filter), YYYY-MM-DD[THH:MM:SSZ].',
      ),
  })
  .superRefine((config, context) => {
    const problem = platformOrUrlProblem(config.platform, config.gatewayUrl, 'gatewayUrl');
    if (problem) context.addIssue({ code: 'custom', path: [problem.path], message: problem.message });
    // Issue 13: https only (http to loopback for tests and local proxies), no credentials in the URL.
    const urlProblem =
      config.gatewayUrl === undefined
        ? null
        : baseUrlProblem(config.gatewayUrl, 'gatewayUrl', config.allowInsecureHttp);
    if (urlProblem) context.addIssue({ code: 'custom', path: ['gatewayUrl'], message: urlProblem });
  })
  .describe('Qualys PCRS posture-streaming connector settings.');

export type QualysPcrsConfig = z.output<typeof qualysPcrsConfigSchema>;
export type QualysPcrsConfigInput = z.input<typeof qualysPcrsConfigSchema>;

/** The gateway base URL without a trailing slash. */
export function resolveGatewayUrl(config: Pick<QualysPcrsConfig, 'platform' | 'gatewayUrl'>): string {
  if (config.gatewayUrl !== undefined) return config.gatewayUrl.replace(/\/+$/, '');
  if (config.platform !== undefined) return platformGateways[config.platform];
  throw new ConfigError(
    `qualys-pcrs: set either platform (one of ${platformNames.join(', ')}) or gatewayUrl (private cloud)`,
  );
}
