/**
 * Worker thread entry: parses one Policy Report (XML or CSV) sent by `parseReportInWorker`
 * with the very parsers the main thread runs in-thread (`csvOrXml`), and sends the neutral
 * report items back in order, waiting while `maxUntakenItemBatches` are not yet taken.
 */
import { Readable } from 'node:stream';
import { parentPort } from 'node:worker_threads';
import { BadResponseError, CancelledError } from '@posturesync/core';
import { csvOrXml } from './parse-report.ts';
import type { ReportItem } from './report-records.ts';
import {
  type FromReportWorker,
  itemsPerMessage,
  maxUntakenItemBatches,
  type ReportWorkerError,
  type ToReportWorker,
} from './report-worker-protocol.ts';

const port = parentPort;
if (!port) throw new Error('report-parse-worker.ts runs only as a worker thread');

class InputFailed extends Error {}

function post(message: FromReportWorker): void {
  port?.postMessage(message);
}

function describeError(error: unknown): ReportWorkerError {
  if (error instanceof InputFailed) return { kind: 'input' };
  if (error instanceof BadResponseError)
    return { kind: 'bad-response', message: error.message, details: error.details };
  if (error instanceof CancelledError) return { kind: 'cancelled', message: error.message };
  return { kind: 'other', message: error instanceof Error ? error.message : String(error) };
}

const chunks: Uint8Array[] = [];
let ended = false;
let failed = false;
let wakeInput: (() => void) | null = null;
let credit = maxUntakenItemBatches;
let wakeCredit: (() => void) | null = null;

function wake(): void {
  const waiter = wakeInput;
  wakeInput = null;
  waiter?.();
}

async function* input(): AsyncGenerator<Uint8Array> {
  for (;;) {
    if (failed) throw new InputFailed('reading the report failed on the main thread');
    const chunk = chunks.shift();
    if (chunk !== undefined) {
      post({ type: 'pulled' });
      yield chunk;
      continue;
    }
    if (ended) return;
    await new Promise<void>((resolve) => {
      wakeInput = resolve;
    });
  }
}

async function send(items: ReportItem[]): Promise<void> {
  while (credit <= 0) {
    await new Promise<void>((resolve) => {
      wakeCredit = resolve;
    });
  }
  credit--;
  post({ type: 'items', items });
}

async function run(message: ToReportWorker & { type: 'start' }): Promise<void> {
  let items: ReportItem[] = [];
  try {
    for await (const item of csvOrXml(message.format, Readable.from(input(), { objectMode: false }), {
      ...(message.reportId === undefined ? {} : { reportId: message.reportId }),
      ...(message.maxRecordChars === undefined ? {} : { maxRecordChars: message.maxRecordChars }),
      logger: {
        debug: (text, fields) => post({ type: 'log', level: 'debug', message: text, fields }),
        info: (text, fields) => post({ type: 'log', level: 'info', message: text, fields }),
      },
    })) {
      items.push(item);
      if (items.length >= itemsPerMessage) {
        const full = items;
        items = [];
        await send(full);
      }
    }
    if (items.length > 0) await send(items);
    post({ type: 'done' });
  } catch (error) {
    // What the parser yielded before it failed, the in-thread consumer would have taken too.
    if (items.length > 0) post({ type: 'items', items });
    post({ type: 'failed', error: describeError(error) });
  }
}

port.on('message', (message: ToReportWorker) => {
  switch (message.type) {
    case 'start':
      void run(message);
      return;
    case 'chunk':
      chunks.push(message.chunk);
      wake();
      return;
    case 'end':
      ended = true;
      wake();
      return;
    case 'input-error':
      failed = true;
      wake();
      return;
    case 'credit': {
      credit++;
      const waiter = wakeCredit;
      wakeCredit = null;
      waiter?.();
      return;
    }
  }
});
