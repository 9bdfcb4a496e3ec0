import { ConfigError } from '@posturesync/core';
import {
  controlTemplatesFor,
  criticalityLabels,
  criticalityWeights,
  databases,
  environmentTags,
  exceptionAssignees,
  extraTags,
  hostRoles,
  networks,
  operatingSystems,
  policyTemplates,
  users,
} from './catalog.ts';
import { dayMs, isoSeconds } from './dates.ts';
import { hashInts, pickIndex, pickOne, salt, unitInterval, uuidOf } from './random.ts';
import type {
  Estate,
  EstateOptions,
  PostureRecord,
  ResultFilter,
  SimCauseOfFailure,
  SimControl,
  SimException,
  SimHost,
  SimPolicy,
  SimResult,
  SimStatus,
} from './types.ts';

const defaultReferenceDate = '2024-05-01T06:00:00Z';
const recordsPerBatch = 1000;
const approximateRecordKb = 1.1;

function resolveOptions(options: EstateOptions): Required<EstateOptions> {
  const seed = options.seed ?? 1;
  const resolved: Required<EstateOptions> = {
    seed,
    hosts: options.hosts ?? 20,
    policies: options.policies ?? 3,
    controlsPerPolicy: options.controlsPerPolicy ?? 10,
    subscriptionId: options.subscriptionId ?? String(100_000 + (hashInts(seed, salt.subscription) % 900_000)),
    referenceDate: options.referenceDate ?? defaultReferenceDate,
    statusRatios: options.statusRatios ?? { passed: 0.7, failed: 0.25, error: 0.05 },
    publicIpRatio: options.publicIpRatio ?? 0.2,
    membershipRatio: options.membershipRatio ?? 0.9,
    exceptionRatio: options.exceptionRatio ?? 0.08,
    rescanFlipRatio: options.rescanFlipRatio ?? 0.2,
    flipRatio: options.flipRatio ?? 0.1,
    companyName: options.companyName ?? 'Acme Corporation',
    userLogin: options.userLogin ?? 'acme_ab12',
  };
  for (const key of ['hosts', 'policies', 'controlsPerPolicy'] as const) {
    const value = resolved[key];
    if (!Number.isInteger(value) || value < 0) {
      throw new ConfigError(`Estate option "${key}" must be a non-negative integer, got ${String(value)}.`);
    }
  }
  for (const key of ['rescanFlipRatio', 'flipRatio'] as const) {
    const value = resolved[key];
    if (!(value >= 0 && value <= 1)) {
      throw new ConfigError(`Estate option "${key}" must be a share between 0 and 1, got ${String(value)}.`);
    }
  }
  if (Number.isNaN(Date.parse(resolved.referenceDate))) {
    throw new ConfigError(
      `Estate option "referenceDate" must be an ISO date such as 2024-05-01T06:00:00Z, got "${resolved.referenceDate}".`,
    );
  }
  const { passed, failed, error } = resolved.statusRatios;
  if (!(passed >= 0 && failed >= 0 && error >= 0 && passed + failed + error > 0)) {
    throw new ConfigError(
      'Estate option "statusRatios" needs non-negative passed/failed/error with a positive sum.',
    );
  }
  return resolved;
}

const statuses: readonly SimStatus[] = ['Passed', 'Failed', 'Error'];

export function createEstate(input: EstateOptions = {}): Estate {
  const options = resolveOptions(input);
  const { seed } = options;
  const referenceMs = Math.floor(Date.parse(options.referenceDate) / 1000) * 1000;
  const ratioSum = options.statusRatios.passed + options.statusRatios.failed + options.statusRatios.error;
  const weights = [
    options.statusRatios.passed / ratioSum,
    options.statusRatios.failed / ratioSum,
    options.statusRatios.error / ratioSum,
  ];
  const hostBase = 400_000_000 + (hashInts(seed, salt.idBase, 1) % 100_000) * 1000;
  const hostStride = 7;
  const assetBase = 800_000_000 + (hashInts(seed, salt.idBase, 2) % 100_000) * 1000;
  const policyBase = 1_000_000 + (hashInts(seed, salt.idBase, 3) % 8_000_000);
  const recordBase = 20_000_000_000 + (hashInts(seed, salt.idBase, 4) % 1000) * 10_000_000;
  const customerUuid = uuidOf(seed, salt.customer);
  const customerId = String(10_000 + (hashInts(seed, salt.customer, 1) % 90_000));
  /** Rescan times per host index, ascending. The only mutable state of an estate. */
  const rescans = new Map<number, number[]>();
  /** The flip share of each of those rescans (a `flipResults` round uses `flipRatio`). */
  const rescanRatios = new Map<number, number[]>();
  const policyEvaluatedOverride = new Map<number, number>();

  function drawStatus(u: number): SimStatus {
    if (u < (weights[0] ?? 0)) return 'Passed';
    if (u < (weights[0] ?? 0) + (weights[1] ?? 0)) return 'Failed';
    return 'Error';
  }

  function drawOther(current: SimStatus, u: number): SimStatus {
    const others = statuses.filter((status) => status !== current);
    const otherWeights = others.map((status) => weights[statuses.indexOf(status)] ?? 0);
    const total = otherWeights.reduce((sum, weight) => sum + weight, 0);
    if (total === 0) return current;
    return u * total < (otherWeights[0] ?? 0) ? (others[0] ?? current) : (others[1] ?? current);
  }

  function evaluationDelayMs(hostIndex: number, generation: number): number {
    return (5 + (hashInts(seed, hostIndex, generation, salt.evaluationDelay) % 55)) * 60_000 + 17_000;
  }

  function hostAt(index: number): SimHost {
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
      unitInterval(seed, index, salt.hostNetbios) < netbiosChance
        ? shortName.toUpperCase().slice(0, 15)
        : null;
    const trackingDraw = unitInterval(seed, index, salt.hostTracking);
    const trackingMethod = trackingDraw < 0.6 ? 'AGENT' : trackingDraw < 0.9 ? 'IP' : 'DNS';
    const baseScanMs =
      referenceMs -
      (1 + pickIndex(29, seed, index, salt.hostScanDay)) * dayMs +
      pickIndex(86_400, seed, index, salt.hostScanSecond) * 1000;
    const hostRescans = rescans.get(index);
    const generation = hostRescans?.length ?? 0;
    const scanMs = hostRescans?.[generation - 1] ?? baseScanMs;
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
      hostId: String(hostBase + index * hostStride),
      assetId: assetBase + index * 3,
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
      lastEvaluatedDate: isoSeconds(scanMs + evaluationDelayMs(index, generation)),
      tags,
      databases: hostDatabases,
    };
  }

  function hostIndexOf(hostId: string): number | undefined {
    if (!/^\d+$/.test(hostId)) return undefined;
    const offset = Number(hostId) - hostBase;
    if (offset < 0 || offset % hostStride !== 0) return undefined;
    const index = offset / hostStride;
    return index < options.hosts ? index : undefined;
  }

  function controlFor(family: SimPolicy['family'], controlIndex: number): SimControl {
    const templates = controlTemplatesFor(family);
    const isDatabase = templates.database.length > 0 && controlIndex % 5 === 4;
    const list = isDatabase ? templates.database : templates.os;
    const position = isDatabase
      ? Math.floor(controlIndex / 5)
      : controlIndex - Math.floor((controlIndex + 1) / 5);
    const template = list[position % list.length]!;
    const cycle = Math.floor(position / list.length);
    const statement = cycle === 0 ? template.statement : `${template.statement} (profile ${cycle + 1})`;
    const familyBase = family === 'windows' ? 1000 : family === 'linux' ? 4000 : 8000;
    const cid = familyBase + controlIndex * 3 + 1;
    const criticalityDraw = unitInterval(seed, cid, salt.criticality);
    const value = criticalityWeights.findIndex((weight) => criticalityDraw < weight);
    const criticalityValue = value < 0 ? 5 : value;
    return {
      index: controlIndex,
      cid,
      statement,
      rationale: `Configuring this setting to '${template.expected}' reduces the attack surface and is required by the hardening baseline. A non-compliant value lets an attacker abuse the default behaviour.`,
      remediation: `To establish the recommended configuration, set the following value:\n\n${statement.replace(/^Status of (the )?/, '')}\n\nto '${template.expected}'. Then re-run the compliance scan.`,
      reference: template.reference,
      criticality: { label: criticalityLabels[criticalityValue] ?? 'UNDEFINED', value: criticalityValue },
      kind: template.kind,
      databaseTechnologyId: template.databaseTechnologyId,
      deprecated: unitInterval(seed, cid, salt.deprecated) < 0.05,
      expected: template.expected,
      passActual: template.passActual,
      failActual: template.failActual,
    };
  }

  const policyList: SimPolicy[] = Array.from({ length: options.policies }, (_, index) => {
    const template = policyTemplates[index % policyTemplates.length]!;
    const round = Math.floor(index / policyTemplates.length);
    return {
      index,
      id: String(policyBase + index * 1013),
      title: round === 0 ? template.title : `${template.title} (copy ${round})`,
      family: template.family,
      status: options.policies >= 3 && index === options.policies - 1 ? 'inactive' : 'active',
      locked: index === 1 ? 1 : 0,
      createdBy: users[index % users.length]!,
      createdDate: isoSeconds(referenceMs - (400 + index * 37) * dayMs + 3_600_000),
      modifiedBy: users[(index + 1) % users.length]!,
      modifiedDate: isoSeconds(referenceMs - (20 + index * 3) * dayMs + 7_200_000),
      lastEvaluatedDate: isoSeconds(referenceMs - (index * 3600 + 600) * 1000),
      controls: Array.from({ length: options.controlsPerPolicy }, (_unused, controlIndex) =>
        controlFor(template.family, controlIndex),
      ),
    };
  });
  const policyIndexById = new Map(policyList.map((policy) => [policy.id, policy.index]));

  function currentPolicy(policy: SimPolicy): SimPolicy {
    const override = policyEvaluatedOverride.get(policy.index);
    return override === undefined ? policy : { ...policy, lastEvaluatedDate: isoSeconds(override) };
  }

  function isMember(policy: SimPolicy, host: SimHost): boolean {
    if (policy.family !== 'any' && policy.family !== host.osFamily) return false;
    return unitInterval(seed, host.index, policy.index, salt.membership) < options.membershipRatio;
  }

  function instancesFor(
    control: SimControl,
    host: SimHost,
  ): Array<{ technology: SimHost['osTechnology']; instance: string }> {
    if (control.kind === 'os') return [{ technology: host.osTechnology, instance: 'os' }];
    const result: Array<{ technology: SimHost['osTechnology']; instance: string }> = [];
    for (const database of host.databases) {
      if (database.technology.id !== control.databaseTechnologyId) continue;
      for (const instance of database.instances) result.push({ technology: database.technology, instance });
    }
    return result;
  }

  function countForHost(policy: SimPolicy, host: SimHost): number {
    if (!isMember(policy, host)) return 0;
    let count = 0;
    for (const control of policy.controls) count += instancesFor(control, host).length;
    return count;
  }

  function buildResult(
    policy: SimPolicy,
    host: SimHost,
    control: SimControl,
    technology: SimHost['osTechnology'],
    instance: string,
    instanceIndex: number,
  ): SimResult {
    const keys = [host.index, control.cid, instanceIndex] as const;
    const baseScanMs = Date.parse(host.complianceLastScanDate);
    const hostRescans = rescans.get(host.index) ?? [];
    const hostRatios = rescanRatios.get(host.index) ?? [];
    const generation = hostRescans.length;
    const baseEvaluationMs =
      referenceMs -
      (1 + pickIndex(29, seed, host.index, salt.hostScanDay)) * dayMs +
      pickIndex(86_400, seed, host.index, salt.hostScanSecond) * 1000 +
      evaluationDelayMs(host.index, 0);
    const events: Array<{ at: number; status: SimStatus }> = [];
    const s0 = drawStatus(unitInterval(seed, ...keys, salt.status));
    const previous0 =
      unitInterval(seed, ...keys, salt.previous) < 0.85
        ? s0
        : drawOther(s0, unitInterval(seed, ...keys, salt.previous, 1));
    if (unitInterval(seed, ...keys, salt.everOther) < 0.3) {
      const ageDays = 30 + pickIndex(300, seed, ...keys, salt.everOtherAge);
      events.push({
        at: baseEvaluationMs - ageDays * dayMs,
        status: previous0 === 'Passed' ? 'Failed' : 'Passed',
      });
    }
    events.push({ at: baseEvaluationMs - 7 * dayMs, status: previous0 });
    events.push({ at: baseEvaluationMs, status: s0 });
    let current = s0;
    for (let k = 1; k <= generation; k++) {
      if (unitInterval(seed, ...keys, k, salt.flip) < (hostRatios[k - 1] ?? options.rescanFlipRatio)) {
        current = drawOther(current, unitInterval(seed, ...keys, k, salt.flipTo));
      }
      events.push({
        at: (hostRescans[k - 1] ?? baseScanMs) + evaluationDelayMs(host.index, k),
        status: current,
      });
    }
    let firstPass = 0;
    let lastPass = 0;
    let firstFail = 0;
    let lastFail = 0;
    let modifiedAt = events[0]!.at;
    events.forEach((event, eventIndex) => {
      if (event.status === 'Passed') {
        firstPass ||= event.at;
        lastPass = event.at;
      } else if (event.status === 'Failed') {
        firstFail ||= event.at;
        lastFail = event.at;
      }
      if (eventIndex > 0 && events[eventIndex - 1]!.status !== event.status) modifiedAt = event.at;
    });
    const last = events[events.length - 1]!;
    const previousStatus = events[events.length - 2]!.status;
    const status = last.status;
    const evaluatedAt = last.at;
    let exception: SimException | null = null;
    if (status === 'Failed' && unitInterval(seed, ...keys, salt.exception) < options.exceptionRatio) {
      exception = {
        assignee: pickOne(exceptionAssignees, seed, ...keys, salt.exception, 1),
        status: unitInterval(seed, ...keys, salt.exceptionStatus) < 0.7 ? 'Approved' : 'Pending',
        endDate: isoSeconds(referenceMs + 90 * dayMs),
        creator: options.userLogin,
        createdDate: isoSeconds(baseEvaluationMs - 3 * dayMs),
        modifier: options.userLogin,
        modifiedDate: isoSeconds(baseEvaluationMs - 2 * dayMs),
        comments: 'Compensating control in place; see change ticket CHG-1042.',
      };
    }
    const causeOfFailure: SimCauseOfFailure | null =
      status === 'Failed'
        ? {
            missing: { logic: 'ALL', values: [control.expected] },
            unexpected: { values: [control.failActual] },
          }
        : null;
    return {
      id:
        recordBase +
        ((policy.index * options.hosts + host.index) * options.controlsPerPolicy + control.index) * 4 +
        instanceIndex,
      host,
      policy,
      control,
      technology,
      instance,
      status,
      previousStatus,
      firstFailDate: firstFail ? isoSeconds(firstFail) : '',
      lastFailDate: lastFail ? isoSeconds(lastFail) : '',
      firstPassDate: firstPass ? isoSeconds(firstPass) : '',
      lastPassDate: lastPass ? isoSeconds(lastPass) : '',
      postureModifiedDate: isoSeconds(modifiedAt),
      lastEvaluatedDate: isoSeconds(evaluatedAt),
      created: isoSeconds(evaluatedAt + 7_261_000),
      evidence: {
        expected: control.expected,
        actual: status === 'Passed' ? control.passActual : status === 'Failed' ? control.failActual : '',
        extendedEvidence:
          status === 'Error'
            ? 'Error: the control evaluation failed (data collection timed out on the host).'
            : null,
      },
      causeOfFailure,
      exception,
    };
  }

  function passesHostFilter(host: SimHost, filter: ResultFilter | undefined): boolean {
    if (!filter) return true;
    const scanMs = Date.parse(host.complianceLastScanDate);
    if (filter.lastScanDate && scanMs < filter.lastScanDate.getTime()) return false;
    if (filter.lastScanDateFrom && scanMs < filter.lastScanDateFrom.getTime()) return false;
    if (filter.lastScanDateTo && scanMs > filter.lastScanDateTo.getTime()) return false;
    return true;
  }

  function passesResultFilter(result: SimResult, filter: ResultFilter | undefined): boolean {
    if (!filter) return true;
    if (
      filter.lastEvaluationDate &&
      Date.parse(result.lastEvaluatedDate) < filter.lastEvaluationDate.getTime()
    ) {
      return false;
    }
    if (
      filter.statusChangedSince &&
      Date.parse(result.postureModifiedDate) < filter.statusChangedSince.getTime()
    ) {
      return false;
    }
    return true;
  }

  function* resultsOfHost(policy: SimPolicy, host: SimHost, filter?: ResultFilter): Generator<SimResult> {
    if (!isMember(policy, host) || !passesHostFilter(host, filter)) return;
    for (const control of policy.controls) {
      const instances = instancesFor(control, host);
      for (let i = 0; i < instances.length; i++) {
        const { technology, instance } = instances[i]!;
        const result = buildResult(policy, host, control, technology, instance, i);
        if (passesResultFilter(result, filter)) yield result;
      }
    }
  }

  function lookupPolicy(policyId: string): SimPolicy | undefined {
    const index = policyIndexById.get(policyId);
    return index === undefined ? undefined : currentPolicy(policyList[index]!);
  }

  function lookupHost(hostId: string): SimHost | undefined {
    const index = hostIndexOf(hostId);
    return index === undefined ? undefined : hostAt(index);
  }

  /** Rescans the hosts at `at`; each of their results flips status with probability `flipRatio` (seeded). */
  function rescanHosts(hostIds: readonly string[], at: Date, flipRatio: number): void {
    const atMs = Math.floor(at.getTime() / 1000) * 1000;
    if (Number.isNaN(atMs)) throw new ConfigError('rescan needs a valid Date.');
    for (const hostId of hostIds) {
      const index = hostIndexOf(hostId);
      if (index === undefined) continue;
      const list = rescans.get(index) ?? [];
      list.push(atMs);
      rescans.set(index, list);
      const ratios = rescanRatios.get(index) ?? [];
      ratios.push(flipRatio);
      rescanRatios.set(index, ratios);
      const host = hostAt(index);
      const evaluatedMs = atMs + evaluationDelayMs(index, list.length);
      for (const policy of policyList) {
        if (!isMember(policy, host)) continue;
        const before = Math.max(
          Date.parse(policy.lastEvaluatedDate),
          policyEvaluatedOverride.get(policy.index) ?? 0,
        );
        policyEvaluatedOverride.set(policy.index, Math.max(before, evaluatedMs));
      }
    }
  }

  const estate: Estate = {
    options,
    subscriptionId: options.subscriptionId,
    customerUuid,
    customerId,
    policies: () => policyList.map(currentPolicy),
    policy: lookupPolicy,
    *hosts() {
      for (let index = 0; index < options.hosts; index++) yield hostAt(index);
    },
    host: lookupHost,
    hostIdsForPolicy(policyId, hostOptions = {}) {
      const policy = lookupPolicy(policyId);
      if (!policy) return [];
      const ids: string[] = [];
      for (let index = 0; index < options.hosts; index++) {
        const host = hostAt(index);
        if (!isMember(policy, host)) continue;
        if (
          hostOptions.lastScanDate &&
          Date.parse(host.complianceLastScanDate) < hostOptions.lastScanDate.getTime()
        ) {
          continue;
        }
        ids.push(host.hostId);
      }
      return ids;
    },
    isHostInPolicy(policyId, hostId) {
      const policy = lookupPolicy(policyId);
      const host = lookupHost(hostId);
      return policy !== undefined && host !== undefined && isMember(policy, host);
    },
    *resultsForHost(policyId, hostId, filter) {
      const policy = lookupPolicy(policyId);
      const host = lookupHost(hostId);
      if (policy && host) yield* resultsOfHost(policy, host, filter);
    },
    resultsForHostControl(policyId, hostId, controlIndex) {
      const policy = lookupPolicy(policyId);
      const host = lookupHost(hostId);
      const control = policy?.controls[controlIndex];
      if (!policy || !host || !control || !isMember(policy, host)) return [];
      return instancesFor(control, host).map(({ technology, instance }, i) =>
        buildResult(policy, host, control, technology, instance, i),
      );
    },
    *postureRecords(policyId, hostIds, recordOptions = {}) {
      const policy = lookupPolicy(policyId);
      if (!policy) return;
      const hosts: SimHost[] = [];
      let total = 0;
      for (const hostId of hostIds) {
        const host = lookupHost(hostId);
        if (!host || !passesHostFilter(host, recordOptions.filter)) continue;
        const count = countForHost(policy, host);
        if (count === 0) continue;
        hosts.push(host);
        total += count;
      }
      const totalBatches = Math.max(1, Math.ceil(total / recordsPerBatch));
      const totalKb = (total * approximateRecordKb).toFixed(2);
      let served = 0;
      // Only the host list is held; records are built one at a time.
      for (const host of hosts) {
        for (const result of resultsOfHost(policy, host, recordOptions.filter)) {
          const batch = Math.floor(served / recordsPerBatch) + 1;
          const inBatch = Math.min(recordsPerBatch, total - (batch - 1) * recordsPerBatch);
          yield toPostureRecord(result, {
            evidence: recordOptions.evidence === true,
            customerUuid,
            customerId,
            currentBatch: batch,
            totalBatches,
            currentDataSizeKB: (Math.max(inBatch, 1) * approximateRecordKb).toFixed(2),
            totalDataSizeKB: totalKb,
          });
          served++;
        }
      }
    },
    postureRecordCount(policyIds) {
      const selected = policyIds
        ? policyIds.map(lookupPolicy).filter((policy): policy is SimPolicy => policy !== undefined)
        : policyList;
      let count = 0;
      for (let index = 0; index < options.hosts; index++) {
        const host = hostAt(index);
        for (const policy of selected) count += countForHost(policy, host);
      }
      return count;
    },
    resultCountForHost(policyId, hostId) {
      const policy = lookupPolicy(policyId);
      const host = lookupHost(hostId);
      return policy && host ? countForHost(policy, host) : 0;
    },
    rescan(hostIds, at) {
      rescanHosts(hostIds, at, options.rescanFlipRatio);
    },
    flipResults(at = new Date()) {
      const all: string[] = [];
      for (let index = 0; index < options.hosts; index++) all.push(hostAt(index).hostId);
      rescanHosts(all, at, options.flipRatio);
    },
  };
  return estate;
}

export interface PostureRecordContext {
  evidence: boolean;
  customerUuid: string;
  customerId: string;
  currentBatch: number;
  totalBatches: number;
  currentDataSizeKB: string;
  totalDataSizeKB: string;
}

/** Turns a result into the PCRS wire record, with the field order of the captured sample. */
export function toPostureRecord(result: SimResult, context: PostureRecordContext): PostureRecord {
  const { host, policy, control } = result;
  const record: PostureRecord = {
    id: result.id,
    instance: result.instance,
    policyId: Number(policy.id),
    policyTitle: policy.title,
    netBios: host.netBios,
    controlId: control.cid,
    controlStatement: control.statement,
    rationale: control.rationale,
    remediation: control.remediation,
    controlReference: control.reference,
    technologyId: result.technology.id,
    status: result.status,
    previousStatus: result.previousStatus,
    firstFailDate: result.firstFailDate,
    lastFailDate: result.lastFailDate,
    firstPassDate: result.firstPassDate,
    lastPassDate: result.lastPassDate,
    postureModifiedDate: result.postureModifiedDate,
    lastEvaluatedDate: result.lastEvaluatedDate,
    created: result.created,
    hostId: Number(host.hostId),
    ip: host.ip,
    trackingMethod: host.trackingMethod,
    os: host.os,
    osCpe: host.osCpe,
    domainName: host.domainName,
    dns: host.dns,
    qgHostid: host.qgHostid,
    networkId: host.networkId,
    networkName: host.networkName,
    complianceLastScanDate: host.complianceLastScanDate,
    customerUuid: context.customerUuid,
    customerId: context.customerId,
    assetId: host.assetId,
    technology: { id: result.technology.id, name: result.technology.name },
    criticality: { label: control.criticality.label, value: control.criticality.value },
    currentDataSizeKB: context.currentDataSizeKB,
    totalDataSizeKB: context.totalDataSizeKB,
    currentBatch: context.currentBatch,
    totalBatches: context.totalBatches,
    CLOUD_RESOURCE_ID: null,
  };
  if (!context.evidence) return record;
  // Keep the sample's key order: the nested objects sit between assetId and the batch fields.
  const { currentDataSizeKB, totalDataSizeKB, currentBatch, totalBatches, CLOUD_RESOURCE_ID, ...head } =
    record;
  return {
    ...head,
    evidence: { ...result.evidence },
    causeOfFailure: result.causeOfFailure ?? {},
    currentDataSizeKB,
    totalDataSizeKB,
    currentBatch,
    totalBatches,
    CLOUD_RESOURCE_ID,
  };
}

/** The JSON text of one record as postureInfo sends it. */
export function pcrsRecordToJson(record: PostureRecord): string {
  return JSON.stringify(record);
}
