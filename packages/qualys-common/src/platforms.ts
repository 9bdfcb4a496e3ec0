/**
 * Qualys shared platforms: the classic API v2 server and the gateway (PCRS, `/auth`) of each.
 * Source: qualys.com/platform-identification (wire-formats C.4). AE1's gateway is the `.ae`
 * host; QualysETL's newer table maps it to the EU host by mistake. Private clouds are not
 * listed: connectors take an explicit URL for them.
 */
export const qualysPlatforms = {
  US1: { apiUrl: 'https://qualysapi.qualys.com', gatewayUrl: 'https://gateway.qg1.apps.qualys.com' },
  US2: { apiUrl: 'https://qualysapi.qg2.apps.qualys.com', gatewayUrl: 'https://gateway.qg2.apps.qualys.com' },
  US3: { apiUrl: 'https://qualysapi.qg3.apps.qualys.com', gatewayUrl: 'https://gateway.qg3.apps.qualys.com' },
  US4: { apiUrl: 'https://qualysapi.qg4.apps.qualys.com', gatewayUrl: 'https://gateway.qg4.apps.qualys.com' },
  EU1: { apiUrl: 'https://qualysapi.qualys.eu', gatewayUrl: 'https://gateway.qg1.apps.qualys.eu' },
  EU2: { apiUrl: 'https://qualysapi.qg2.apps.qualys.eu', gatewayUrl: 'https://gateway.qg2.apps.qualys.eu' },
  EU3: { apiUrl: 'https://qualysapi.qg3.apps.qualys.it', gatewayUrl: 'https://gateway.qg3.apps.qualys.it' },
  IN1: { apiUrl: 'https://qualysapi.qg1.apps.qualys.in', gatewayUrl: 'https://gateway.qg1.apps.qualys.in' },
  CA1: { apiUrl: 'https://qualysapi.qg1.apps.qualys.ca', gatewayUrl: 'https://gateway.qg1.apps.qualys.ca' },
  AE1: { apiUrl: 'https://qualysapi.qg1.apps.qualys.ae', gatewayUrl: 'https://gateway.qg1.apps.qualys.ae' },
  UK1: {
    apiUrl: 'https://qualysapi.qg1.apps.qualys.co.uk',
    gatewayUrl: 'https://gateway.qg1.apps.qualys.co.uk',
  },
  AU1: {
    apiUrl: 'https://qualysapi.qg1.apps.qualys.com.au',
    gatewayUrl: 'https://gateway.qg1.apps.qualys.com.au',
  },
  KSA1: {
    apiUrl: 'https://qualysapi.qg1.apps.qualysksa.com',
    gatewayUrl: 'https://gateway.qg1.apps.qualysksa.com',
  },
} as const;

export type QualysPlatform = keyof typeof qualysPlatforms;

export const qualysPlatformNames = Object.keys(qualysPlatforms) as [QualysPlatform, ...QualysPlatform[]];

/** One URL per platform, e.g. `platformUrls('gatewayUrl')` for the PCRS gateways. */
export function platformUrls(kind: 'apiUrl' | 'gatewayUrl'): Record<QualysPlatform, string> {
  return Object.fromEntries(qualysPlatformNames.map((name) => [name, qualysPlatforms[name][kind]])) as Record<
    QualysPlatform,
    string
  >;
}

/**
 * A connector is pointed at Qualys by exactly one of a platform name or an explicit URL
 * (private clouds). Returns the problem to report against the config, or null when it is fine.
 */
export function platformOrUrlProblem(
  platform: string | undefined,
  url: string | undefined,
  urlKey: string,
): { path: string; message: string } | null {
  if ((platform === undefined) !== (url === undefined)) return null;
  return platform === undefined
    ? {
        path: 'platform',
        message: `set either platform (one of ${qualysPlatformNames.join(', ')}) or ${urlKey} (private cloud)`,
      }
    : { path: urlKey, message: `set platform or ${urlKey}, not both` };
}
