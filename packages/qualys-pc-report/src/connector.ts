import { type Connector, createHttpClient, defineConnector } from '@posturesync/core';
import { checkAccess } from './check.ts';
import { ClassicApi } from './classic-api.ts';
import { apiBaseUrl, type QualysPcReportConfig, qualysPcReportConfigSchema } from './config-schema.ts';
import { readReport, sourceName } from './read-report.ts';
import { QualysAuth } from './session.ts';

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
  create(config, context): Connector {
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
      retry: { maxRetries: config.maxRetries },
      // The import is sequential; 1 keeps us well inside the subscription's concurrency limit.
      maxConcurrency: 1,
      auth,
      defaultHeaders: { 'X-Requested-With': config.requestedWith },
      rejectUnauthorized: config.tlsVerify,
      userAgent: 'posturesync-qualys-pc-report',
      redactor: context.redactor,
      logger: context.logger,
      metrics: context.metrics,
      signal: context.signal,
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
          signal: context.signal,
        }),
      read: (request) => readReport(api, config, context, request),
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
  },
});
