import { BadResponseError, isPostureSyncError, TransientError } from '@posturesync/core';
import { ChannelClosedError } from './batch-channel.ts';
import type { BodyProgress } from './map-posture-body.ts';
import { JsonStreamError } from './posture-json-stream.ts';

/** A body that arrived but could not be parsed; retried a limited number of times. */
export class MalformedPostureBodyError extends BadResponseError {}

/** What a body error needs to know of its call. */
export interface BodyErrorJob {
  policyId: string;
  hostIds: string[];
  label: string;
}

function zlibCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_') ? code : undefined;
}

/**
 * Words a failure while reading a postureInfo body, in-thread or in a worker alike: a body that
 * is not valid JSON or corrupt gzip is a MalformedPostureBodyError, one that broke off a
 * TransientError, both meant to be retried as a whole call; typed errors pass through.
 */
export function classifyBodyError(error: unknown, job: BodyErrorJob, progress: BodyProgress): unknown {
  if (isPostureSyncError(error) || error instanceof ChannelClosedError) return error;
  const { records, characters, wireBytes } = progress;
  const where = `${job.label} (first host ${job.hostIds[0] ?? '-'}, last host ${job.hostIds.at(-1) ?? '-'})`;
  const details = {
    policyId: job.policyId,
    firstHostId: job.hostIds[0] ?? null,
    lastHostId: job.hostIds.at(-1) ?? null,
    records,
    characterOffset: characters,
    bytesReceived: wireBytes,
  };
  if (error instanceof JsonStreamError && error.kind === 'malformed') {
    return new MalformedPostureBodyError(
      `${where}: the response is not a valid JSON array of posture records at character ${error.offset} after ${error.elements} records: ${error.message}`,
      { cause: error, details },
    );
  }
  const code = zlibCode(error);
  if (code !== undefined && code !== 'Z_BUF_ERROR') {
    return new MalformedPostureBodyError(
      `${where}: the gzip body is corrupt (${code}) after ${wireBytes} bytes and ${records} records`,
      { cause: error, details },
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new TransientError(
    `${where}: the response broke off after ${wireBytes} bytes and ${records} records (${message}); the call is retried as a whole`,
    { cause: error, phase: 'body', details: { ...details, reason: 'reset' } },
  );
}
