/** PCRS API versions the gateway documents for `hostids` and `postureInfo`. */
export const pcrsApiVersions = ['1.0', '2.0', '3.0', '4.0', '5.0'] as const;
export type PcrsApiVersion = (typeof pcrsApiVersions)[number];

/**
 * Qualys: "The V5.0, V4.0, and V3.0 APIs [are] designed to fetch only PA/PC Asset data. To
 * retrieve both PA/PC and SCA Asset data, continue using API Versions V1.0 or V2.0."
 * So the newest version that still returns SCA postures too is 2.0. This is the one place
 * that assumption lives; change it here if Qualys extends SCA support to later versions.
 */
export const defaultPcrsApiVersion: PcrsApiVersion = '2.0';

/**
 * `policy/list` is documented at 1.0 (and a 2.0 that adds tag info); no 3.0+ policy list is
 * documented, so newer versions fall back to 2.0 for that one endpoint.
 */
export function policyListVersion(version: PcrsApiVersion): PcrsApiVersion {
  return version === '1.0' ? '1.0' : '2.0';
}
