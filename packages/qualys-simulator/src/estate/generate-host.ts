import { databases, environmentTags, extraTags, hostRoles, networks, operatingSystems } from './catalog.ts';
import { isoSeconds } from './dates.ts';
import { type EstateContext, hostStride } from './estate-context.ts';
import { pickIndex, pickOne, salt, unitInterval, uuidOf } from './random.ts';
import { baseScanMs, evaluationDelayMs } from './scan-times.ts';
import type { SimHost } from './types.ts';

/** Host `index` as it is now (after any rescans), generated on its own from the seed. */
export function hostAt(context: EstateContext, index: number): SimHost {
  const { seed, options } = context;
  const family = unitInterval(seed, index, salt.hostOs) < 0.55 ? 'windows' : 'linux';
  const familyOs = operatingSystems.filter((entry) => entry.family === family);
  const os = pickOne(familyOs, seed, index, salt.hostOs, 1);
  const isPublicIp = unitInterval(seed, index, salt.hostPublic) < options.publicIpRatio;
  const n = index + 1;
  const ip = isPublicIp
    ? `52.${(16 + (n >>> 16)) & 255}.${(n >>> 8) & 255}.${n & 255}`
    : `10.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  const network = isPublicIp
    ? networks[1]!
    : unitInterval(seed, index, salt.hostNetwork) < 0.85
      ? networks[0]!
      : networks[2]!;
  const role = pickOne(hostRoles, seed, index, salt.hostName);
  const shortName = `${role}-${family === 'windows' ? 'w' : 'l'}${String(index).padStart(4, '0')}`;
  const dns = isPublicIp ? `${shortName}.example.net` : `${shortName}.corp.example.com`;
  const netbiosChance = family === 'windows' ? 0.9 : 0.2;
  const netBios =
    unitInterval(seed, index, salt.hostNetbios) < netbiosChance ? shortName.toUpperCase().slice(0, 15) : null;
  const trackingDraw = unitInterval(seed, index, salt.hostTracking);
  const trackingMethod = trackingDraw < 0.6 ? 'AGENT' : trackingDraw < 0.9 ? 'IP' : 'DNS';
  const hostRescans = context.history.rescansOf(index);
  const generation = hostRescans?.length ?? 0;
  const scanMs = hostRescans?.[generation - 1] ?? baseScanMs(context, index);
  const tags = [
    family === 'windows' ? 'Windows Servers' : 'Linux Servers',
    pickOne(environmentTags, seed, index, salt.hostTags),
  ];
  for (let tag = 0; tag < extraTags.length; tag++) {
    if (unitInterval(seed, index, salt.hostTags, tag + 1) < 0.15) tags.push(extraTags[tag]!);
  }
  if (isPublicIp && !tags.includes('Internet Facing')) tags.push('Internet Facing');
  const hostDatabases: SimHost['databases'] = [];
  databases.forEach((database, databaseIndex) => {
    if (database.family !== family) return;
    if (unitInterval(seed, index, salt.hostDatabase, databaseIndex) >= (family === 'windows' ? 0.3 : 0.2))
      return;
    const instanceCount =
      1 + pickIndex(database.instances.length, seed, index, salt.hostDatabase, databaseIndex, 1);
    hostDatabases.push({
      technology: database.technology,
      instances: database.instances.slice(0, instanceCount),
    });
  });
  return {
    index,
    hostId: String(context.hostBase + index * hostStride),
    assetId: context.assetBase + index * 3,
    qgHostid: uuidOf(seed, index, salt.hostUuid),
    ip,
    isPublicIp,
    dns,
    domainName: dns,
    netBios,
    os: os.os,
    osCpe: os.osCpe,
    osFamily: family,
    osTechnology: os.technology,
    trackingMethod,
    networkId: network.id,
    networkName: network.name,
    complianceLastScanDate: isoSeconds(scanMs),
    lastEvaluatedDate: isoSeconds(scanMs + evaluationDelayMs(context, index, generation)),
    tags,
    databases: hostDatabases,
  };
}

/** The index of the estate's host with this ID, or undefined for any other string. */
export function hostIndexOf(context: EstateContext, hostId: string): number | undefined {
  if (!/^\d+$/.test(hostId)) return undefined;
  const offset = Number(hostId) - context.hostBase;
  if (offset < 0 || offset % hostStride !== 0) return undefined;
  const index = offset / hostStride;
  return index < context.options.hosts ? index : undefined;
}
