import type { HttpClient, HttpResponse } from '@posturesync/core';
import { BadResponseError, isPostureSyncError, TransientError } from '@posturesync/core';
import type { PcrsApiVersion } from './api-version.ts';
import { ChannelClosedError } from './batch-channel.ts';
import { emptyMappedRecords, type MappedRecords, type PostureRecordMapper } from './map-posture-record.ts';
import { openPostureInfo } from './pcrs-api.ts';
import { JsonArraySplitter, JsonStreamError, parseJsonElement } from './posture-json-stream.ts';
import { errorFromQualysElement, qualysErrorElement } from './qualys-error-element.ts';
import { decodeResponseBody } from './response-body.ts';

/** One postureInfo request: a slice of one policy's host IDs. */
export interface PostureJob {
  policyId: string;
  subscriptionId: string | null;
  hostIds: string[];
  /** 0-based index of the first host of the slice in the policy's host list. */
  firstHostIndex: number;
  totalHosts: number;
  key: string;
  /** `postureInfo policy 123 hosts 1..1000 of 4200`. */
  label: string;
}

export function postureJobLabel(
  policyId: string,
  firstHostIndex: number,
  count: number,
  total: number,
): string {
  return `postureInfo policy ${policyId} hosts ${firstHostIndex + 1}..${firstHostIndex + count} of ${total}`;
}

/** A body that arrived but could not be parsed; retried a limited number of times. */
export class MalformedPostureBodyError extends BadResponseError {}

export interface StreamPostureOptions {
  client: HttpClient;
  version: PcrsApiVersion;
  evidence: boolean;
  mapper: PostureRecordMapper;
  /** Records per emitted sub-batch. */
  subBatchSize: number;
  signal?: AbortSignal;
  /** Hands a full sub-batch to the engine; resolves once it has been queued. */
  emit: (records: MappedRecords) => Promise<void>;
}

function zlibCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_') ? code : undefined;
}

/**
 * Sends one postureInfo request and maps its records while the body streams in, emitting
 * full sub-batches as they fill. Returns the last, partial sub-batch so the caller can send it
 * with the call's checkpoint. Throws typed errors; a body that breaks off is a TransientError
 * and a body that is not valid JSON a MalformedPostureBodyError, both meant to be retried as a
 * whole call.
 */
export async function streamPostureCall(
  job: PostureJob,
  options: StreamPostureOptions,
): Promise<MappedRecords> {
  const response = await openPostureInfo(options.client, {
    version: options.version,
    policyId: job.policyId,
    subscriptionId: job.subscriptionId,
    hostIds: job.hostIds,
    evidence: options.evidence,
    label: job.label,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (response === null) return emptyMappedRecords();
  return await consumePostureBody(response, job, options);
}

async function consumePostureBody(
  response: HttpResponse,
  job: PostureJob,
  options: StreamPostureOptions,
): Promise<MappedRecords> {
  const splitter = new JsonArraySplitter();
  let current = emptyMappedRecords();
  let recordIndex = 0;
  const position = () => `${job.label} record ${recordIndex + 1}`;
  let decoded: Awaited<ReturnType<typeof decodeResponseBody>> | undefined;
  try {
    decoded = await decodeResponseBody(response.body);
    for await (const text of decoded.text) {
      for (const element of splitter.push(text)) {
        let record: unknown;
        try {
          record = parseJsonElement(element);
        } catch (error) {
          throw new JsonStreamError(
            'malformed',
            `record ${recordIndex + 1} is not valid JSON (${(error as Error).message})`,
            splitter.offset,
            recordIndex,
          );
        }
        if ((record as { id?: unknown } | null)?.id === undefined) {
          const errorElement = qualysErrorElement(record);
          if (errorElement) throw errorFromQualysElement(errorElement, job.label);
        }
        options.mapper.map(record, job.policyId, current, position);
        recordIndex++;
        if (current.violations.length + current.rejects.length >= options.subBatchSize) {
          const full = current;
          current = emptyMappedRecords();
          await options.emit(full);
        }
      }
    }
    splitter.end();
    return current;
  } catch (error) {
    // Issue 6: these records are dropped and the call is retried as a whole, so the hosts and
    // definitions first seen in them must be emitted again by the retry.
    options.mapper.forget(current);
    throw classifyBodyError(error, job, recordIndex, splitter.offset, decoded?.wireBytes() ?? 0);
  } finally {
    if (!response.body.destroyed && !response.body.readableEnded) response.body.destroy();
  }
}

function classifyBodyError(
  error: unknown,
  job: PostureJob,
  records: number,
  characters: number,
  wireBytes: number,
): unknown {
  if (isPostureSyncError(error) || error instanceof ChannelClosedError) return error;
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
