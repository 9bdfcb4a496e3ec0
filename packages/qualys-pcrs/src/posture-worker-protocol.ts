import type { BodyProgress } from './map-posture-body.ts';
import type { MappedRecords } from './map-posture-record.ts';
import type { QualysErrorElement } from './qualys-error-element.ts';

/**
 * Messages between the main thread and a posture worker (`posture-body-worker.ts`). One worker
 * reads one postureInfo body at a time: `start`, the body's bytes as `chunk`s, then `end` (or
 * `input-error` when the body broke off on the main thread's side).
 */
export type ToPostureWorker =
  | { type: 'start'; policyId: string; label: string; sourceName: string; subBatchSize: number }
  | { type: 'chunk'; chunk: Uint8Array }
  | { type: 'end' }
  | { type: 'input-error' }
  /** The main thread queued one more sub-batch: the worker may send another. */
  | { type: 'credit' };

/** A worker-side failure, carried across so the main thread words it exactly as in-thread. */
export type WorkerBodyError =
  | {
      kind: 'json-stream';
      streamKind: 'truncated' | 'malformed';
      message: string;
      offset: number;
      elements: number;
    }
  | { kind: 'qualys-element'; element: QualysErrorElement }
  /** The main thread's own read of the body failed; it keeps that error. */
  | { kind: 'input' }
  | { kind: 'other'; message: string; code: string | undefined };

export type FromPostureWorker =
  /** The worker took one input chunk: the main thread may send another. */
  | { type: 'pulled' }
  | { type: 'batch'; records: MappedRecords }
  | { type: 'done'; rest: MappedRecords; progress: BodyProgress }
  | { type: 'failed'; error: WorkerBodyError; progress: BodyProgress };

/** Sub-batches a worker may have sent that the main thread has not yet queued (backpressure). */
export const maxUnqueuedBatches = 2;
/** Body chunks the main thread may send ahead of the worker. */
export const maxChunksAhead = 8;
