/**
 * Qualys platform -> PCRS gateway base URL (the host that serves `/auth` and `/pcrs/...`).
 * Source: qualys.com/platform-identification as mirrored by qualysdk; AE1 points at the
 * `.ae` gateway (QualysETL's newer table maps it to the EU host by mistake).
 */
export const platformGateways = {
  US1: 'https://gateway.qg1.apps.qualys.com',
  US2: 'https://gateway.qg2.apps.qualys.com',
  US3: 'https://gateway.qg3.apps.qualys.com',
  US4: 'https://gateway.qg4.apps.qualys.com',
  EU1: 'https://gateway.qg1.apps.qualys.eu',
  EU2: 'https://gateway.qg2.apps.qualys.eu',
  EU3: 'https://gateway.qg3.apps.qualys.it',
  IN1: 'https://gateway.qg1.apps.qualys.in',
  CA1: 'https://gateway.qg1.apps.qualys.ca',
  AE1: 'https://gateway.qg1.apps.qualys.ae',
  UK1: 'https://gateway.qg1.apps.qualys.co.uk',
  AU1: 'https://gateway.qg1.apps.qualys.com.au',
  KSA1: 'https://gateway.qg1.apps.qualysksa.com',
} as const;

export type QualysPlatform = keyof typeof platformGateways;

export const platformNames = Object.keys(platformGateways) as [QualysPlatform, ...QualysPlatform[]];
