import { platformUrls, type QualysPlatform, qualysPlatformNames } from '@posturesync/qualys-common';

/** Qualys platform -> classic API v2 base URL (wire-formats C.4). */
export const platformApiUrls = platformUrls('apiUrl');

export type { QualysPlatform };

export const platformNames = qualysPlatformNames;
