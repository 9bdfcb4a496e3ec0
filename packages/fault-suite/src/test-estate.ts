import type { Estate, EstateOptions, SimReportSpec } from '@posturesync/qualys-simulator';
import { createEstate, defaultReportSpecs, isoSeconds } from '@posturesync/qualys-simulator';

/** Credentials the simulator accepts; the password is what every secret scan looks for. */
export const suiteCredentials = { username: 'fault_suite_user', password: 'Fault-Suite-S3cret!pw' } as const;

/** The report title prefix the pc-report connector imports. */
export const reportTitlePrefix = 'PC-Weekly CIS';

/**
 * The estate the seed sync reads. Small on purpose (about 270 PCRS records, 165 report
 * results): every case seeds, faults and reruns, so the whole suite stays well under 90 s.
 */
export const seedEstateOptions: EstateOptions = { hosts: 40, policies: 3, controlsPerPolicy: 8, seed: 11 };

/**
 * When the changed estate was rescanned. Fixed per process so every simulator of a file serves
 * the same data, and recent enough that an incremental PCRS sync (hosts scanned since the last
 * sync started, minus its safety margin) refetches the rescanned hosts.
 */
export const rescanAt = new Date(Math.floor(Date.now() / 1000) * 1000);

/**
 * The estate the faulty run reads: newer data than the seed, so "nothing lost" must tell a
 * legitimate update from damage.
 * - `membershipRatio` 0.8 (seed 0.9): some hosts left some policies, so a complete sync closes
 *   their findings and a failed or partial one must not (record ids do not depend on it).
 * - every other host (or every host) was rescanned: scan dates move, about 20 % of its results
 *   flip, policies get a newer evaluation date.
 */
export function changedEstate(options: { rescan?: 'half' | 'all'; base?: EstateOptions } = {}): Estate {
  const estate = createEstate({ ...(options.base ?? seedEstateOptions), membershipRatio: 0.8 });
  const hosts = [...estate.hosts()]
    .filter((_, index) => options.rescan === 'all' || index % 2 === 0)
    .map((host) => host.hostId);
  estate.rescan(hosts, rescanAt);
  return estate;
}

export type ReportVariant = 'csv' | 'xml' | 'zip';

/**
 * The simulator's default report list plus one newer finished report of the prefix, so the
 * second sync has a report to import that the seed sync did not.
 */
export function reportsWithNewerOne(estate: Estate, variant: ReportVariant): SimReportSpec[] {
  return [
    ...defaultReportSpecs(estate),
    {
      title: `${reportTitlePrefix} newer ${variant}`,
      format: variant === 'csv' ? 'csv' : 'xml',
      zipped: variant === 'zip',
      launchDatetime: isoSeconds(rescanAt.getTime() + 60_000),
    },
  ];
}
