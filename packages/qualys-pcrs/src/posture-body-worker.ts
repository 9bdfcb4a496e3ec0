/**
 * Worker thread entry: decodes, splits, parses and maps postureInfo bodies sent by
 * `consumeBodyInWorker` (posture-worker-body.ts), one at a time, with the very code the
 * main thread runs in-thread (`mapPostureBody`). Mapped sub-batches go back in order; the
 * worker waits while `maxUnqueuedBatches` of them are not yet queued for the engine.
 */
import { parentPort } from 'node:worker_threads';
import { type BodyProgress, mapPostureBody } from './map-posture-body.ts';
import { PostureRecordMapper } from './map-posture-record.ts';
import { JsonStreamError } from './posture-json-stream.ts';
import {
  type FromPostureWorker,
  maxUnqueuedBatches,
  type ToPostureWorker,
  type WorkerBodyError,
} from './posture-worker-protocol.ts';
import type { QualysErrorElement } from './qualys-error-element.ts';
import { limitTransferDepth } from './transfer-depth.ts';

const port = parentPort;
if (!port) throw new Error('posture-body-worker.ts runs only as a worker thread');

class InputFailed extends Error {}

class ErrorElementFound extends Error {
  readonly element: QualysErrorElement;
  constructor(element: QualysErrorElement) {
    super('Qualys error envelope');
    this.element = element;
  }
}

function post(message: FromPostureWorker): void {
  port?.postMessage(message);
}

function describeError(error: unknown): WorkerBodyError {
  if (error instanceof InputFailed) return { kind: 'input' };
  if (error instanceof ErrorElementFound) return { kind: 'qualys-element', element: error.element };
  if (error instanceof JsonStreamError) {
    return {
      kind: 'json-stream',
      streamKind: error.kind,
      message: error.message,
      offset: error.offset,
      elements: error.elements,
    };
  }
  const code = (error as { code?: unknown } | null)?.code;
  return {
    kind: 'other',
    message: error instanceof Error ? error.message : String(error),
    code: typeof code === 'string' ? code : undefined,
  };
}

/** One body: its input chunks as they arrive, and the credit for sending sub-batches. */
class BodyRun {
  readonly #chunks: Uint8Array[] = [];
  #ended = false;
  #failed = false;
  #wake: (() => void) | null = null;
  #credit = maxUnqueuedBatches;
  #creditWaiter: (() => void) | null = null;

  push(chunk: Uint8Array): void {
    this.#chunks.push(chunk);
    this.#wakeInput();
  }

  end(): void {
    this.#ended = true;
    this.#wakeInput();
  }

  fail(): void {
    this.#failed = true;
    this.#wakeInput();
  }

  credit(): void {
    this.#credit++;
    const waiter = this.#creditWaiter;
    this.#creditWaiter = null;
    waiter?.();
  }

  async *input(): AsyncGenerator<Uint8Array> {
    for (;;) {
      if (this.#failed) throw new InputFailed('the body failed on the main thread');
      const chunk = this.#chunks.shift();
      if (chunk !== undefined) {
        post({ type: 'pulled' });
        yield chunk;
        continue;
      }
      if (this.#ended) return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  async send(records: FromPostureWorker & { type: 'batch' }): Promise<void> {
    while (this.#credit <= 0) {
      await new Promise<void>((resolve) => {
        this.#creditWaiter = resolve;
      });
    }
    this.#credit--;
    post(records);
  }

  #wakeInput(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }
}

let current: BodyRun | null = null;

async function run(message: ToPostureWorker & { type: 'start' }, body: BodyRun): Promise<void> {
  const progress: BodyProgress = { records: 0, characters: 0, wireBytes: 0 };
  try {
    const rest = await mapPostureBody(
      body.input(),
      {
        policyId: message.policyId,
        label: message.label,
        // One mapper per body: hosts and definitions are deduplicated within the body here and
        // across bodies on the main thread (`PostureRecordMapper.admit`), when a batch is queued.
        mapper: new PostureRecordMapper({ sourceName: message.sourceName }),
        subBatchSize: message.subBatchSize,
        emit: (records) => body.send({ type: 'batch', records: limitTransferDepth(records) }),
        onErrorElement: (element) => {
          throw new ErrorElementFound(element);
        },
      },
      progress,
    );
    post({ type: 'done', rest: limitTransferDepth(rest), progress });
  } catch (error) {
    post({ type: 'failed', error: describeError(error), progress });
  } finally {
    if (current === body) current = null;
  }
}

port.on('message', (message: ToPostureWorker) => {
  switch (message.type) {
    case 'start': {
      const body = new BodyRun();
      current = body;
      void run(message, body);
      return;
    }
    case 'chunk':
      current?.push(message.chunk);
      return;
    case 'end':
      current?.end();
      return;
    case 'input-error':
      current?.fail();
      return;
    case 'credit':
      current?.credit();
      return;
  }
});
