import {
  type Connector,
  type ConnectorContext,
  createHttpClient,
  defineConnector,
  type Sleep,
} from '@posturesync/core';
import { qualysResponseClassifier } from '@posturesync/qualys-common';
import { checkAccess } from './check.ts';
import { ClassicApi } from './classic-api.ts';
import { apiBaseUrl, type QualysPcReportConfig, qualysPcReportConfigSchema } from './config-schema.ts';
import { readReport, sourceName } from './read-report.ts';
import { QualysAuth } from './session.ts';

/** Knobs for tests and benchmarks; the CLI never sets them. */
export interface QualysPcReportHooks {
  /** Replaces real waiting (back-off, report retries, server-mandated waits, launch polling). */
  sleep?: Sleep;
  /** Jitter of the HTTP client's and the report retries' back-off. */
  random?: () => number;
  /** Violations per batch; default 2000. */
  batchSize?: number;
  /** First delay between launch status polls; default 1 s, doubling. */
  firstPollMs?: number;
}

export function createQualysPcReportConnector(
  config: QualysPcReportConfig,
  context: ConnectorContext,
  hooks: QualysPcReportHooks = {},
): Connector {
  const baseUrl = apiBaseUrl(config);
  context.redactor.add(config.password);
  const auth = new QualysAuth({
    mode: config.auth,
    username: config.username,
    password: config.password,
    redactor: context.redactor,
    logger: context.logger,
  });
  const client = createHttpClient({
    baseUrl,
    timeouts: { headersMs: config.readTimeoutSeconds * 1000, bodyMs: config.readTimeoutSeconds * 1000 },
    responseLimits: {
      maxTotalMs: config.maxResponseMinutes * 60_000,
      maxBytes: config.maxResponseMegabytes * 1024 * 1024,
    },
    retry: { maxRetries: config.maxRetries },
    // The import is sequential; 1 keeps us well inside the subscription's concurrency limit.
    maxConcurrency: 1,
    maxThrottleWaitMs: config.maxThrottleWaitMinutes * 60_000,
    throttleHint:
      'Raise `maxThrottleWaitMinutes`, or sync when other tools are not using the subscription (Qualys counts the API limits per subscription, for every tool together); a Qualys administrator can raise the limits.',
    serviceName: 'Qualys',
    responseClassifier: qualysResponseClassifier,
    // Kept in the database (never the password): the next run or `check` starts from this window.
    ...(context.rateWindows
      ? {
          rateWindow: {
            store: context.rateWindows,
            key: { api: `API v2 ${baseUrl}`, subscription: config.username },
          },
        }
      : {}),
    ...(context.onThrottleWait ? { onThrottleWait: context.onThrottleWait } : {}),
    auth,
    defaultHeaders: { 'X-Requested-With': config.requestedWith },
    rejectUnauthorized: config.tlsVerify,
    userAgent: 'posturesync-qualys-pc-report',
    redactor: context.redactor,
    logger: context.logger,
    metrics: context.metrics,
    signal: context.signal,
    ...(hooks.sleep ? { sleep: hooks.sleep } : {}),
    ...(hooks.random ? { random: hooks.random } : {}),
  });
  const api = new ClassicApi(client, config.requestedWith);
  auth.attach(api);
  if (!config.tlsVerify) {
    context.logger.warn(
      'TLS certificate verification is off for the Qualys API; traffic could be intercepted',
      {
        apiUrl: baseUrl,
      },
    );
  }
  let closed = false;
  return {
    check: () =>
      checkAccess(api, auth, {
        titlePrefix: config.titlePrefix,
        mode: config.auth,
        apiUrl: baseUrl,
        policyId: config.policyId ?? config.launch?.policyId ?? null,
        signal: context.signal,
      }),
    read: (request) =>
      readReport(api, config, context, request, {
        ...(hooks.batchSize ? { batchSize: hooks.batchSize } : {}),
        ...(hooks.sleep ? { sleep: hooks.sleep } : {}),
        ...(hooks.random ? { random: hooks.random } : {}),
        ...(hooks.firstPollMs ? { firstPollMs: hooks.firstPollMs } : {}),
      }),
    async close() {
      if (closed) return;
      closed = true;
      try {
        await auth.logout();
      } finally {
        await client.close();
      }
    },
  };
}

export const qualysPcReportConnector = defineConnector<QualysPcReportConfig>({
  id: 'qualys-pc-report',
  displayName: 'Qualys Policy Compliance report',
  description:
    'Imports the newest finished Qualys Policy Compliance report (XML or CSV, optionally zipped) whose title starts with a prefix, or launches one and waits for it, through the classic API v2.',
  sourceName,
  secrets: [
    {
      key: 'password',
      env: 'QUALYS_PASSWORD',
      description:
        'Password of the Qualys user that lists, launches and fetches the Policy Compliance reports.',
    },
  ],
  configSchema: qualysPcReportConfigSchema,
  create: (config, context) => createQualysPcReportConnector(config, context),
});
