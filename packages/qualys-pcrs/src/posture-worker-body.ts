import type { Worker } from 'node:worker_threads';
import type { HttpResponse } from '@posturesync/core';
import { type BodyErrorJob, classifyBodyError } from './body-errors.ts';
import type { BodyProgress } from './map-posture-body.ts';
import type { MappedRecords, PostureRecordMapper } from './map-posture-record.ts';
import { JsonStreamError } from './posture-json-stream.ts';
import type { PostureWorkerPool } from './posture-worker-pool.ts';
import {
  type FromPostureWorker,
  maxChunksAhead,
  type ToPostureWorker,
  type WorkerBodyError,
} from './posture-worker-protocol.ts';
import { errorFromQualysElement } from './qualys-error-element.ts';

export interface WorkerBodyOptions {
  mapper: PostureRecordMapper;
  subBatchSize: number;
  signal?: AbortSignal;
  emit: (records: MappedRecords) => Promise<void>;
  workers: PostureWorkerPool;
}

/** The worker's failure as the error the in-thread path would have thrown at the same point. */
function rebuildError(error: WorkerBodyError, job: BodyErrorJob, inputError: unknown): unknown {
  switch (error.kind) {
    case 'json-stream':
      return new JsonStreamError(error.streamKind, error.message, error.offset, error.elements);
    case 'qualys-element':
      return errorFromQualysElement(error.element, job.label);
    case 'input':
      return inputError;
    case 'other':
      return error.code === undefined
        ? new Error(error.message)
        : Object.assign(new Error(error.message), { code: error.code });
  }
}

function abortReason(signal: AbortSignal | undefined): unknown {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new Error('This operation was aborted');
}

/**
 * Issue 18: reads one postureInfo body through a worker thread. The main thread forwards the
 * body's bytes (at most `maxChunksAhead` chunks ahead of the worker) and queues the worker's
 * sub-batches in order through `emit`, acknowledging each once it is queued, so the worker
 * waits when the engine falls behind. Errors come back as the in-thread path throws them (the
 * same types and messages, via `classifyBodyError`); cancellation terminates the worker at once.
 */
export async function consumeBodyInWorker(
  response: HttpResponse,
  job: BodyErrorJob,
  options: WorkerBodyOptions,
): Promise<MappedRecords> {
  const worker: Worker = options.workers.acquire();
  const send = (message: ToPostureWorker) => worker.postMessage(message);
  let progress: BodyProgress = { records: 0, characters: 0, wireBytes: 0 };
  let settled = false;
  let reusable = false;
  let inputError: unknown;
  let chunksAhead = 0;
  let wakePump: (() => void) | null = null;
  // Sub-batches are queued one after another, in the order the worker sent them.
  let queued: Promise<void> = Promise.resolve();

  let resolveResult: (rest: MappedRecords) => void = () => {};
  let rejectResult: (error: unknown) => void = () => {};
  const result = new Promise<MappedRecords>((resolve, reject) => {
    resolveResult = resolve;
    rejectResult = reject;
  });
  const finish = (outcome: { rest: MappedRecords } | { error: unknown }) => {
    if (settled) return;
    settled = true;
    wakePump?.();
    if ('rest' in outcome) resolveResult(outcome.rest);
    else rejectResult(outcome.error);
  };
  const fail = (error: unknown) => finish({ error: classifyBodyError(error, job, progress) });

  const onMessage = (message: FromPostureWorker) => {
    if (settled) return;
    switch (message.type) {
      case 'pulled':
        chunksAhead--;
        wakePump?.();
        return;
      case 'batch':
        queued = queued.then(async () => {
          if (settled) return;
          await options.emit(message.records);
          send({ type: 'credit' });
        });
        queued.catch(fail);
        return;
      case 'done':
        progress = message.progress;
        // Every earlier sub-batch is queued before the call's last one is handed back.
        queued.then(() => {
          reusable = true;
          finish({ rest: message.rest });
        }, fail);
        return;
      case 'failed':
        progress = message.progress;
        queued.then(() => {
          reusable = true;
          fail(rebuildError(message.error, job, inputError));
        }, fail);
        return;
    }
  };
  const onError = (error: Error) => fail(new Error(`the posture worker failed: ${error.message}`));
  const onExit = (code: number) => fail(new Error(`the posture worker stopped (exit code ${code})`));
  // A message Node could not read back would otherwise vanish and leave the worker waiting.
  const onMessageError = (error: Error) =>
    fail(new Error(`a message from the posture worker could not be read: ${error.message}`));
  const onAbort = () => fail(abortReason(options.signal));
  worker.on('message', onMessage);
  worker.on('error', onError);
  worker.on('exit', onExit);
  worker.on('messageerror', onMessageError);
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });

  const pump = async () => {
    send({
      type: 'start',
      policyId: job.policyId,
      label: job.label,
      sourceName: options.mapper.sourceName,
      subBatchSize: options.subBatchSize,
    });
    try {
      for await (const chunk of response.body as AsyncIterable<Buffer | string>) {
        if (settled) return;
        // A copy: the chunk may share a pooled buffer with other data.
        send({
          type: 'chunk',
          chunk: typeof chunk === 'string' ? Buffer.from(chunk) : new Uint8Array(chunk),
        });
        chunksAhead++;
        while (chunksAhead >= maxChunksAhead && !settled) {
          await new Promise<void>((resolve) => {
            wakePump = resolve;
          });
          wakePump = null;
        }
      }
      if (!settled) send({ type: 'end' });
    } catch (error) {
      // The worker answers with its progress and `input`, and the body's own error is thrown.
      inputError = error;
      if (!settled) send({ type: 'input-error' });
    }
  };

  try {
    await Promise.all([pump(), result]);
    return await result;
  } finally {
    settled = true;
    worker.off('message', onMessage);
    worker.off('error', onError);
    worker.off('exit', onExit);
    worker.off('messageerror', onMessageError);
    options.signal?.removeEventListener('abort', onAbort);
    if (reusable) options.workers.release(worker);
    else options.workers.discard(worker);
    if (!response.body.destroyed && !response.body.readableEnded) response.body.destroy();
  }
}
