import type { Connector, ConnectorContext } from '@posturesync/core';
import { createHttpClient, createSharedTokenAuth, defineConnector } from '@posturesync/core';
import { qualysResponseClassifier } from '@posturesync/qualys-common';
import { type GatewayToken, requestGatewayToken } from './auth.ts';
import { checkPcrsAccess } from './check.ts';
import { type QualysPcrsConfig, qualysPcrsConfigSchema, resolveGatewayUrl } from './config-schema.ts';
import { readPosture } from './read-posture.ts';

export const qualysPcrsSourceName = 'QUALYS_PCRS';

const userAgent = 'posturesync-qualys-pcrs/0.1';

/**
 * Refresh the JWT this long before its `exp` (5 minutes, or a tenth of a short lifetime), so no
 * request carries a token about to lapse.
 */
export function refreshAt(expiresAt: Date, now: Date): Date {
  const lifetime = Math.max(0, expiresAt.getTime() - now.getTime());
  return new Date(expiresAt.getTime() - Math.min(5 * 60_000, lifetime / 10));
}

function createPcrsConnector(config: QualysPcrsConfig, context: ConnectorContext): Connector {
  const gatewayUrl = resolveGatewayUrl(config);
  const { redactor, logger, metrics, signal } = context;
  redactor.add(config.password);
  let lastToken: GatewayToken | null = null;

  const auth = createSharedTokenAuth({
    scheme: 'Bearer',
    // The skew is applied in fetchToken, relative to each token's lifetime.
    refreshSkewMs: 0,
    now: context.now,
    redactor,
    fetchToken: async () => {
      const token = await requestGatewayToken({
        client,
        username: config.username,
        password: config.password,
        gatewayUrl,
        redactor,
        now: context.now,
        signal,
      });
      lastToken = token;
      logger.debug('obtained a Qualys gateway token', { expiresAt: token.expiresAt?.toISOString() ?? null });
      return { token: token.token, expiresAt: token.expiresAt && refreshAt(token.expiresAt, context.now()) };
    },
  });

  const readTimeoutMs = config.readTimeoutSeconds * 1000;
  const client = createHttpClient({
    baseUrl: gatewayUrl,
    timeouts: { headersMs: readTimeoutMs, bodyMs: readTimeoutMs },
    responseLimits: {
      maxTotalMs: config.maxResponseMinutes * 60_000,
      maxBytes: config.maxResponseMegabytes * 1024 * 1024,
    },
    retry: { maxRetries: config.maxRetries },
    maxConcurrency: config.parallelRequests,
    rateLimit:
      config.rateLimit === false
        ? null
        : { requests: config.rateLimit.requests, perMs: config.rateLimit.perSeconds * 1000 },
    maxThrottleWaitMs: config.maxThrottleWaitMinutes * 60_000,
    throttleHint:
      'Raise `maxThrottleWaitMinutes`, lower `parallelRequests` or `rateLimit.requests`, or sync when other tools are not using the subscription (Qualys counts the limit per subscription, for every tool together).',
    serviceName: 'Qualys',
    responseClassifier: qualysResponseClassifier,
    // Kept in the database (never the password): the next run or `check` starts from this window.
    ...(context.rateWindows
      ? {
          rateWindow: {
            store: context.rateWindows,
            key: { api: `PCRS ${gatewayUrl}`, subscription: config.username },
          },
        }
      : {}),
    ...(context.onThrottleWait ? { onThrottleWait: context.onThrottleWait } : {}),
    auth,
    rejectUnauthorized: config.tlsVerify,
    userAgent,
    redactor,
    logger,
    metrics,
    signal,
  });

  return {
    check: () =>
      checkPcrsAccess({
        client,
        gatewayUrl,
        username: config.username,
        version: config.apiVersion,
        signal,
        login: async () => {
          await auth.token();
          if (lastToken === null) throw new Error('the gateway login returned no token');
          return lastToken;
        },
      }),
    read: (request) =>
      readPosture({ client, config, sourceName: qualysPcrsSourceName, logger, metrics, signal }, request),
    close: () => client.close(),
  };
}

export const qualysPcrsConnector = defineConnector<QualysPcrsConfig>({
  id: 'qualys-pcrs',
  displayName: 'Qualys PCRS (posture streaming)',
  sourceName: qualysPcrsSourceName,
  description:
    'Streams Qualys Policy Compliance postures through the PCRS gateway API (policy list, hostids, postureInfo) into hosts, policies, violation definitions and violations, incrementally and resumably.',
  configSchema: qualysPcrsConfigSchema,
  secrets: [
    {
      key: 'password',
      env: 'QUALYS_PASSWORD',
      description: 'Password of the Qualys user (gateway /auth login).',
    },
  ],
  create: createPcrsConnector,
});
