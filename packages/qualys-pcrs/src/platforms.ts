import { platformUrls, type QualysPlatform, qualysPlatformNames } from '@posturesync/qualys-common';

/** Qualys platform -> PCRS gateway base URL (the host that serves `/auth` and `/pcrs/...`). */
export const platformGateways = platformUrls('gatewayUrl');

export type { QualysPlatform };

export const platformNames = qualysPlatformNames;
