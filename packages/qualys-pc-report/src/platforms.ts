/** Qualys platform -> classic API v2 base URL (wire-formats C.4). */
export const platformApiUrls = {
  US1: 'https://qualysapi.qualys.com',
  US2: 'https://qualysapi.qg2.apps.qualys.com',
  US3: 'https://qualysapi.qg3.apps.qualys.com',
  US4: 'https://qualysapi.qg4.apps.qualys.com',
  EU1: 'https://qualysapi.qualys.eu',
  EU2: 'https://qualysapi.qg2.apps.qualys.eu',
  EU3: 'https://qualysapi.qg3.apps.qualys.it',
  IN1: 'https://qualysapi.qg1.apps.qualys.in',
  CA1: 'https://qualysapi.qg1.apps.qualys.ca',
  AE1: 'https://qualysapi.qg1.apps.qualys.ae',
  UK1: 'https://qualysapi.qg1.apps.qualys.co.uk',
  AU1: 'https://qualysapi.qg1.apps.qualys.com.au',
  KSA1: 'https://qualysapi.qg1.apps.qualysksa.com',
} as const;

export type QualysPlatform = keyof typeof platformApiUrls;

export const platformNames = Object.keys(platformApiUrls) as [QualysPlatform, ...QualysPlatform[]];
