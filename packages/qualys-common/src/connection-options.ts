import { z } from 'zod';

export interface ConnectionOptionsTarget {
  /** The config key of the base URL, as users write it: `gatewayUrl` (PCRS) or `apiUrl` (classic API). */
  urlKey: 'gatewayUrl' | 'apiUrl';
  /** Which server's certificate `tlsVerify` checks, for its description: "gateway" or "API". */
  server: string;
}

/**
 * The connection options both Qualys connectors offer, with one meaning and one default each:
 * how long throttling may be waited out, read and whole-response bounds, TLS verification and
 * the plain-http escape hatch. Spread into a connector's zod object schema.
 */
export function qualysConnectionOptions(target: ConnectionOptionsTarget) {
  return {
    maxThrottleWaitMinutes: z
      .number()
      .positive()
      .max(24 * 60)
      .default(30)
      .describe(
        'Total minutes a sync may wait out Qualys throttling (HTTP 429, 409 codes 1960/1965) before it fails; throttling never counts against maxRetries.',
      ),
    readTimeoutSeconds: z
      .number()
      .positive()
      .default(180)
      .describe('Longest wait for response headers or between two body chunks, in seconds.'),
    tlsVerify: z
      .boolean()
      .default(true)
      .describe(`Verify the ${target.server} TLS certificate. Turn off only for test rigs.`),
    maxResponseMinutes: z
      .number()
      .positive()
      .default(240)
      .describe(
        'Longest time one response body may take from its headers to its last byte, in minutes; a server that keeps a body open or drips it fails the call (retried) instead of hanging the sync.',
      ),
    maxResponseMegabytes: z
      .number()
      .positive()
      .default(32768)
      .describe('Largest response body accepted, in MiB (default 32 GiB); an endless body fails the call.'),
    allowInsecureHttp: z
      .boolean()
      .default(false)
      .describe(
        `Allow a plain http:// ${target.urlKey} to a host other than this machine (credentials travel unencrypted; the CLI warns). Off: such a URL is refused.`,
      ),
  };
}
