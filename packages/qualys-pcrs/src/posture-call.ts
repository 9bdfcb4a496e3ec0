import type { HttpClient, HttpResponse } from '@posturesync/core';
import type { PcrsApiVersion } from './api-version.ts';
import { classifyBodyError } from './body-errors.ts';
import { type BodyProgress, mapPostureBody } from './map-posture-body.ts';
import { emptyMappedRecords, type MappedRecords, type PostureRecordMapper } from './map-posture-record.ts';
import { openPostureInfo } from './pcrs-api.ts';
import { consumeBodyInWorker } from './posture-worker-body.ts';
import type { PostureWorkerPool } from './posture-worker-pool.ts';
import { errorFromQualysElement } from './qualys-error-element.ts';

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

export { MalformedPostureBodyError } from './body-errors.ts';

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
  /**
   * Issue 18: decode, parse and map the body in these worker threads instead of in-thread.
   * Hosts and definitions then come deduplicated per body only; the caller deduplicates across
   * bodies (`PostureRecordMapper.admit`) when it queues a batch.
   */
  workers?: PostureWorkerPool | null;
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

/** Reads one body, in a worker when `options.workers` is given, else on this thread. */
export async function consumePostureBody(
  response: HttpResponse,
  job: PostureJob,
  options: StreamPostureOptions,
): Promise<MappedRecords> {
  if (options.workers)
    return await consumeBodyInWorker(response, job, { ...options, workers: options.workers });
  const progress: BodyProgress = { records: 0, characters: 0, wireBytes: 0 };
  try {
    return await mapPostureBody(
      response.body,
      {
        policyId: job.policyId,
        label: job.label,
        mapper: options.mapper,
        subBatchSize: options.subBatchSize,
        emit: options.emit,
        onErrorElement: (element) => {
          throw errorFromQualysElement(element, job.label);
        },
      },
      progress,
    );
  } catch (error) {
    throw classifyBodyError(error, job, progress);
  } finally {
    if (!response.body.destroyed && !response.body.readableEnded) response.body.destroy();
  }
}
