import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { BadResponseError, CancelledError } from '@posturesync/core';
import type { ReportItem, ReportParseOptions } from './report-records.ts';
import {
  type FromReportWorker,
  maxChunksAhead,
  type ReportWorkerError,
  type ToReportWorker,
} from './report-worker-protocol.ts';

/**
 * From the TypeScript sources in the repository (Node strips the types) and from `dist/*.js`
 * in the published package: the worker file sits beside this module either way.
 */
const workerFile = new URL(
  import.meta.url.endsWith('.ts') ? './report-parse-worker.ts' : './report-parse-worker.js',
  import.meta.url,
);

/** The in-thread parsers' error for a cancelled read, so both paths throw the same. */
const cancelledMessage = 'Reading the policy report was cancelled';

function rebuildError(error: ReportWorkerError, inputError: unknown): unknown {
  switch (error.kind) {
    case 'bad-response':
      return new BadResponseError(error.message, { details: error.details });
    case 'cancelled':
      return new CancelledError(error.message);
    case 'input':
      return inputError;
    case 'other':
      return new Error(error.message);
  }
}

/**
 * Issue 18: `csvOrXml` in a worker thread, one per report stream. The main thread forwards the
 * file's bytes (at most `maxChunksAhead` chunks ahead of the worker) and yields the worker's
 * report items in order; the worker waits while the main thread has `maxUntakenItemBatches`
 * batches it has not taken, so memory stays bounded by the mapper's and the engine's pace.
 * Parse errors come back as the in-thread parser throws them (same type, code and message);
 * cancellation and an early return terminate the worker at once.
 */
export async function* parseReportInWorker(
  format: 'xml' | 'csv',
  input: Readable,
  options: ReportParseOptions,
): AsyncGenerator<ReportItem> {
  const worker = new Worker(workerFile);
  const send = (message: ToReportWorker) => worker.postMessage(message);
  const batches: ReportItem[][] = [];
  let finished = false;
  let failure: { error: unknown } | null = null;
  let inputError: unknown;
  let chunksAhead = 0;
  let wakePump: (() => void) | null = null;
  let wakeConsumer: (() => void) | null = null;
  const wakeBoth = () => {
    const pump = wakePump;
    const consumer = wakeConsumer;
    wakePump = null;
    wakeConsumer = null;
    pump?.();
    consumer?.();
  };
  const stop = (error: unknown) => {
    failure ??= { error };
    wakeBoth();
  };

  const onMessage = (message: FromReportWorker) => {
    switch (message.type) {
      case 'pulled':
        chunksAhead--;
        wakeBoth();
        return;
      case 'items':
        batches.push(message.items);
        wakeBoth();
        return;
      case 'log':
        options.logger?.[message.level](message.message, message.fields);
        return;
      case 'done':
        finished = true;
        wakeBoth();
        return;
      case 'failed':
        stop(rebuildError(message.error, inputError));
        return;
    }
  };
  const onError = (error: Error) => stop(new Error(`the report parse worker failed: ${error.message}`));
  const onExit = (code: number) => {
    if (!finished) stop(new Error(`the report parse worker stopped (exit code ${code})`));
  };
  // A message Node could not read back would otherwise vanish and leave the worker waiting.
  const onMessageError = (error: Error) =>
    stop(new Error(`a message from the report parse worker could not be read: ${error.message}`));
  const onAbort = () => {
    // Cancelling drops what is queued: nothing more is handed on.
    batches.length = 0;
    stop(new CancelledError(cancelledMessage));
    void worker.terminate();
  };
  worker.on('message', onMessage);
  worker.on('error', onError);
  worker.on('exit', onExit);
  worker.on('messageerror', onMessageError);
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });

  const pump = async () => {
    send({ type: 'start', format, reportId: options.reportId, maxRecordChars: options.maxRecordChars });
    try {
      for await (const chunk of input as AsyncIterable<Buffer | string>) {
        if (failure || finished) return;
        // A copy: the chunk may share a pooled buffer with other data.
        send({
          type: 'chunk',
          chunk: typeof chunk === 'string' ? Buffer.from(chunk) : new Uint8Array(chunk),
        });
        chunksAhead++;
        while (chunksAhead >= maxChunksAhead && !failure && !finished) {
          await new Promise<void>((resolve) => {
            wakePump = resolve;
          });
        }
      }
      if (!failure) send({ type: 'end' });
    } catch (error) {
      // The worker answers `input` and the file's own error is thrown, as in-thread.
      inputError = error;
      if (!failure) send({ type: 'input-error' });
    }
  };
  const pumping = pump();

  try {
    for (;;) {
      const batch = batches.shift();
      if (batch !== undefined) {
        send({ type: 'credit' });
        yield* batch;
        continue;
      }
      // Set by the message and abort handlers; TypeScript cannot see those assignments here.
      const failed = failure as { error: unknown } | null;
      if (failed) throw failed.error;
      if (finished) break;
      await new Promise<void>((resolve) => {
        wakeConsumer = resolve;
      });
    }
    await pumping;
  } finally {
    finished = true;
    wakeBoth();
    options.signal?.removeEventListener('abort', onAbort);
    worker.off('message', onMessage);
    worker.off('error', onError);
    worker.off('exit', onExit);
    worker.off('messageerror', onMessageError);
    await worker.terminate();
  }
}
