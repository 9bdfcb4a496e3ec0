import { createHash } from 'node:crypto';
import type { ConnectorState } from '@posturesync/core';

/** The checkpoint format this package writes. Version 1 (one watermark for all policies) is read and migrated. */
export const pcrsStateVersion = 2;

/**
 * The connector's checkpoint (only this package reads it):
 * - `watermarks`: per policy ID, when the last sync that stored every call of that policy
 *   started. The next incremental sync asks hostids for hosts scanned since then minus the
 *   safety margin; a policy without a watermark is fetched in full.
 * - `run`: the sync in progress, so a rerun after a failure resumes it: same host filter per
 *   policy, and the postureInfo calls already stored are skipped.
 */
export interface PcrsState {
  version: typeof pcrsStateVersion;
  watermarks: Record<string, string>;
  run: PcrsRunState | null;
}

export interface PcrsRunState {
  startedAt: string;
  /** Per policy ID: the `lastScanDate` filter of its hostids call in this run (null: all hosts). */
  lastScanDates: Record<string, string | null>;
  /** Keys of the postureInfo calls whose every record has been stored. */
  completedBatchKeys: string[];
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isDate(value: unknown): value is string {
  return typeof value === 'string' && Number.isFinite(Date.parse(value));
}

/** Keeps the entries whose value passes `keep`; anything else is dropped (that policy syncs in full). */
function entriesOf<T>(value: unknown, keep: (item: unknown) => item is T): Record<string, T> {
  if (!isPlainObject(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, T] => keep(entry[1])));
}

function isScanDate(value: unknown): value is string | null {
  return value === null || isDate(value);
}

function sameForAll<T>(policyIds: readonly string[], value: T): Record<string, T> {
  return Object.fromEntries(policyIds.map((policyId) => [policyId, value]));
}

/**
 * Reads a stored checkpoint; anything unrecognisable counts as no checkpoint (a full sync).
 *
 * Version 1 held one `watermark` (and one run `lastScanDate`) for every policy, without saying
 * which policies it covered. It is migrated by assuming it covered every policy this run
 * selects (`selectedPolicyIds`): they get that watermark (and, for an interrupted run, that
 * host filter). Policies not selected now get no watermark and are fetched in full when they
 * come back. The one case this cannot catch: a policy first added to the selection in the very
 * sync that migrates the state is treated as already synced; run `--full` once after upgrading if
 * the selection changed at the same time.
 */
export function parsePcrsState(
  state: ConnectorState | null,
  selectedPolicyIds: readonly string[],
): PcrsState {
  const empty: PcrsState = { version: pcrsStateVersion, watermarks: {}, run: null };
  if (state === null || !isPlainObject(state)) return empty;
  if (state.version === 1) return migrateVersion1(state, selectedPolicyIds);
  if (state.version !== pcrsStateVersion) return empty;
  const run = state.run;
  const parsedRun: PcrsRunState | null =
    isPlainObject(run) && isDate(run.startedAt) && isStringArray(run.completedBatchKeys)
      ? {
          startedAt: run.startedAt,
          lastScanDates: entriesOf(run.lastScanDates, isScanDate),
          completedBatchKeys: run.completedBatchKeys,
        }
      : null;
  return { version: pcrsStateVersion, watermarks: entriesOf(state.watermarks, isDate), run: parsedRun };
}

function migrateVersion1(state: ConnectorState, selectedPolicyIds: readonly string[]): PcrsState {
  const watermarks = isDate(state.watermark) ? sameForAll(selectedPolicyIds, state.watermark) : {};
  const run = state.run;
  const parsedRun: PcrsRunState | null =
    isPlainObject(run) &&
    isDate(run.startedAt) &&
    isScanDate(run.lastScanDate) &&
    isStringArray(run.completedBatchKeys)
      ? {
          startedAt: run.startedAt,
          lastScanDates: sameForAll(selectedPolicyIds, run.lastScanDate),
          completedBatchKeys: run.completedBatchKeys,
        }
      : null;
  return { version: pcrsStateVersion, watermarks, run: parsedRun };
}

export function toConnectorState(state: PcrsState): ConnectorState {
  return {
    version: state.version,
    watermarks: { ...state.watermarks },
    run:
      state.run === null
        ? null
        : {
            startedAt: state.run.startedAt,
            lastScanDates: { ...state.run.lastScanDates },
            completedBatchKeys: [...state.run.completedBatchKeys],
          },
  };
}

/**
 * Identifies one postureInfo call: the policy plus a hash of its exact host list, so a resumed
 * run skips a call only when it would ask for the very same hosts.
 */
export function postureBatchKey(policyId: string, hostIds: readonly string[]): string {
  const hash = createHash('sha1');
  for (const hostId of hostIds) hash.update(`${hostId},`);
  return `${policyId}:${hostIds.length}:${hash.digest('base64url').slice(0, 12)}`;
}

/** Qualys date filters are whole seconds: `YYYY-MM-DDTHH:MM:SSZ`. */
export function toQualysDate(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
