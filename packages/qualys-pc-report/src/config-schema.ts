import { baseUrlProblem, ConfigError } from '@posturesync/core';
import { platformOrUrlProblem, qualysConnectionOptions } from '@posturesync/qualys-common';
import { z } from 'zod';
import { platformApiUrls, platformNames } from './platforms.ts';
import { defaultMaxReportAttempts } from './report-retry.ts';

const idSchema = z
  .union([z.string().trim().regex(/^\d+$/, 'expected a numeric Qualys ID'), z.number().int().nonnegative()])
  .transform((value) => String(value));

export const launchSchema = z
  .object({
    templateId: idSchema.describe('ID of the Policy Compliance report template to launch.'),
    policyId: idSchema.describe('ID of the compliance policy the report covers.'),
    outputFormat: z
      .enum(['xml', 'csv'])
      .default('csv')
      .describe('Format Qualys renders the launched report in.'),
    titleSuffix: z
      .string()
      .max(100)
      .optional()
      .describe('Appended to titlePrefix to form the launched report title; default: the launch time (UTC).'),
    maxWaitMinutes: z
      .number()
      .positive()
      .max(24 * 60)
      .default(60)
      .describe('Longest wait for the launched report to finish before the sync fails.'),
  })
  .describe(
    'Launch a new report each sync (instead of pulling a scheduled one), wait for it, then import it.',
  );

export const qualysPcReportConfigSchema = z
  .object({
    platform: z
      .enum(platformNames)
      .optional()
      .describe(
        'Qualys platform of the subscription (US1..US4, EU1..EU3, IN1, CA1, AE1, UK1, AU1, KSA1); selects the API URL. Give this or apiUrl.',
      ),
    apiUrl: z
      .url()
      .optional()
      .describe(
        'Classic API base URL, e.g. https://qualysapi.qg2.apps.qualys.com (private clouds). Give this or platform.',
      ),
    username: z.string().min(1).describe('Qualys user name with Policy Compliance reports and API access.'),
    password: z
      .string()
      .min(1)
      .describe('Qualys password. Secret: read from the QUALYS_PASSWORD environment variable.'),
    titlePrefix: z
      .string()
      .trim()
      .min(1, 'titlePrefix must name the start of the report title, e.g. "PC-Weekly"')
      .describe('Import the newest finished report whose title starts with this text (case-sensitive).'),
    network: z
      .string()
      .trim()
      .min(1)
      .default('default')
      .describe(
        'Network label attached to every host and finding; findings are closed per policy and network.',
      ),
    format: z
      .enum(['auto', 'xml', 'csv'])
      .default('auto')
      .describe('Report file format; auto detects it from the file (zip, XML or CSV).'),
    auth: z
      .enum(['session', 'basic'])
      .default('session')
      .describe('session: log in once and out at the end; basic: send the credentials with every call.'),
    policyId: idSchema
      .optional()
      .describe(
        'ID of the compliance policy the reports cover. Real Policy Report CSVs name their policy by title only; without this option the title is looked up in the Qualys compliance policy list once per sync.',
      ),
    launch: launchSchema.optional(),
    closeMissingFindings: z
      .boolean()
      .default(true)
      .describe(
        'Close open findings of the report policy and network that the newest report no longer contains.',
      ),
    maxRetries: z
      .number()
      .int()
      .min(0)
      .max(20)
      .default(5)
      .describe(
        'Retries per request after 5xx, timeouts or network errors. Qualys limits (409 codes 1960/1965) are waited out instead, see maxThrottleWaitMinutes.',
      ),
    ...qualysConnectionOptions({ urlKey: 'apiUrl', server: 'API' }),
    maxReportAttempts: z
      .number()
      .int()
      .min(1)
      .max(10)
      .default(defaultMaxReportAttempts)
      .describe(
        'Tries per report (and report list) when the body breaks off, is truncated or malformed, or is an error under HTTP 200.',
      ),
    requestedWith: z
      .string()
      .min(1)
      .default('posturesync')
      .describe('Value of the X-Requested-With header Qualys requires on every API v2 call.'),
  })
  .superRefine((config, context) => {
    const problem = platformOrUrlProblem(config.platform, config.apiUrl, 'apiUrl');
    if (problem) context.addIssue({ code: 'custom', path: [problem.path], message: problem.message });
    // Issue 13: https only (http to loopback for tests and local proxies), no credentials in the URL.
    const urlProblem =
      config.apiUrl === undefined ? null : baseUrlProblem(config.apiUrl, 'apiUrl', config.allowInsecureHttp);
    if (urlProblem) context.addIssue({ code: 'custom', path: ['apiUrl'], message: urlProblem });
    if (config.policyId && config.launch && config.policyId !== config.launch.policyId) {
      context.addIssue({
        code: 'custom',
        path: ['policyId'],
        message: `policyId ${config.policyId} differs from launch.policyId ${config.launch.policyId}; give one policy`,
      });
    }
  });

export type QualysPcReportConfig = z.infer<typeof qualysPcReportConfigSchema>;
/** The config as written by a user, before defaults apply. */
export type QualysPcReportConfigInput = z.input<typeof qualysPcReportConfigSchema>;

export function apiBaseUrl(config: Pick<QualysPcReportConfig, 'platform' | 'apiUrl'>): string {
  const url = config.apiUrl ?? (config.platform ? platformApiUrls[config.platform] : undefined);
  if (!url)
    throw new ConfigError('Set either platform (e.g. US1) or apiUrl in the qualys-pc-report configuration.');
  return url.replace(/\/+$/, '');
}
