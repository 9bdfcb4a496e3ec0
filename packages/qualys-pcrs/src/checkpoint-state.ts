import { createHash } from 'node:crypto';
import type { ConnectorState } from '@posturesync/core';

/**
 * The connector's checkpoint (only this package reads it):
 * - `watermark`: when the last successful sync started; the next incremental sync asks for
 *   hosts scanned since then minus the safety margin.
 * - `run`: the sync in progress, so a rerun after a failure resumes it: same host filter,
 *   and the postureInfo calls already stored are skipped.
 */
export interface PcrsState {
  version: 1;
  watermark: string | null;
  run: PcrsRunState | null;
}

export interface PcrsRunState {
  startedAt: string;
  /** The `lastScanDate` filter of this run (null: all hosts). */
  lastScanDate: string | null;
  /** Keys of the postureInfo calls whose every record has been stored. */
  completedBatchKeys: string[];
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** Reads a stored checkpoint; anything unrecognisable counts as no checkpoint (a full first sync). */
export function parsePcrsState(state: ConnectorState | null): PcrsState {
  const empty: PcrsState = { version: 1, watermark: null, run: null };
  if (state === null || typeof state !== 'object') return empty;
  const watermark = typeof state.watermark === 'string' ? state.watermark : null;
  const run = state.run as Partial<PcrsRunState> | null | undefined;
  if (
    run &&
    typeof run === 'object' &&
    typeof run.startedAt === 'string' &&
    (run.lastScanDate === null || typeof run.lastScanDate === 'string') &&
    isStringArray(run.completedBatchKeys)
  ) {
    return {
      version: 1,
      watermark,
      run: {
        startedAt: run.startedAt,
        lastScanDate: run.lastScanDate,
        completedBatchKeys: run.completedBatchKeys,
      },
    };
  }
  return { ...empty, watermark };
}

export function toConnectorState(state: PcrsState): ConnectorState {
  return {
    version: state.version,
    watermark: state.watermark,
    run: state.run === null ? null : { ...state.run, completedBatchKeys: [...state.run.completedBatchKeys] },
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
