import type { ReportItem } from './report-records.ts';

/**
 * Messages between the main thread and the report parse worker (`report-parse-worker.ts`): one
 * worker per report stream; `start`, the file's bytes as `chunk`s, then `end` (or `input-error`
 * when reading the file failed on the main thread's side).
 */
export type ToReportWorker =
  | { type: 'start'; format: 'xml' | 'csv'; reportId: string | undefined; maxRecordChars: number | undefined }
  | { type: 'chunk'; chunk: Uint8Array }
  | { type: 'end' }
  | { type: 'input-error' }
  /** The main thread took one batch of items: the worker may send another. */
  | { type: 'credit' };

/** A worker-side failure, carried across so the main thread throws what the in-thread parser throws. */
export type ReportWorkerError =
  | { kind: 'bad-response'; message: string; details: Record<string, unknown> }
  | { kind: 'cancelled'; message: string }
  /** The main thread's own read of the file failed; it keeps that error. */
  | { kind: 'input' }
  | { kind: 'other'; message: string };

export type FromReportWorker =
  | { type: 'pulled' }
  | { type: 'items'; items: ReportItem[] }
  | { type: 'log'; level: 'debug' | 'info'; message: string; fields: Record<string, unknown> | undefined }
  | { type: 'done' }
  | { type: 'failed'; error: ReportWorkerError };

/** Items per message: enough to amortise a message, few enough to keep the queue small. */
export const itemsPerMessage = 256;
/**
 * Item batches the worker may send that the main thread has not taken yet (backpressure). A
 * little over two engine batches (2000 results each), so the worker keeps parsing while the
 * main thread writes one: with fewer the two threads took turns instead of overlapping.
 */
export const maxUntakenItemBatches = 20;
/** File chunks the main thread may send ahead of the worker. */
export const maxChunksAhead = 32;
