import { defaultIsRetryable, type WithRetryOptions, withRetry } from '@posturesync/core';

/** Thrown into an attempt when the consumer stopped pulling; never retried. */
class ConsumerGone extends Error {
  constructor() {
    super('the consumer of the retried stream stopped');
    this.name = 'ConsumerGone';
  }
}

type Slot<T> = { kind: 'item'; value: T } | { kind: 'done' } | { kind: 'error'; error: unknown };

/**
 * `withRetry` for a stream: runs `attempt(n)` and passes its items on; when an attempt fails
 * with a retryable error, the whole stream is started again (attempt n + 1) after the usual
 * back-off. Items of a failed attempt that were already passed on stay passed on, so the
 * consumer must tolerate seeing them again (e.g. upserts).
 *
 * The attempt is paused after each item until the consumer asks for the next one, so it never
 * runs ahead: when the consumer stops (return/throw), the paused attempt is ended (its
 * `finally` blocks run, releasing sockets and files) before this generator finishes.
 */
export async function* retryStream<T>(
  attempt: (attempt: number) => AsyncIterable<T>,
  options: WithRetryOptions = {},
): AsyncGenerator<T> {
  const slots: Slot<T>[] = [];
  let wakeConsumer: (() => void) | null = null;
  let resumeAttempt: ((go: boolean) => void) | null = null;
  let gone = false;
  const offer = (slot: Slot<T>) => {
    slots.push(slot);
    const wake = wakeConsumer;
    wakeConsumer = null;
    wake?.();
  };
  const isRetryable = options.isRetryable ?? defaultIsRetryable;
  const running = withRetry(
    async (number) => {
      for await (const value of attempt(number)) {
        const go = await new Promise<boolean>((resolve) => {
          resumeAttempt = resolve;
          offer({ kind: 'item', value });
        });
        if (!go) throw new ConsumerGone();
      }
    },
    { ...options, isRetryable: (error) => !gone && !(error instanceof ConsumerGone) && isRetryable(error) },
  );
  running.then(
    () => offer({ kind: 'done' }),
    (error: unknown) => offer({ kind: 'error', error }),
  );
  const resume = (go: boolean) => {
    const next = resumeAttempt;
    resumeAttempt = null;
    next?.(go);
  };
  try {
    for (;;) {
      if (slots.length === 0) {
        await new Promise<void>((resolve) => {
          wakeConsumer = resolve;
        });
      }
      const slot = slots.shift();
      if (!slot || slot.kind === 'done') return;
      if (slot.kind === 'error') throw slot.error;
      yield slot.value;
      resume(true);
    }
  } finally {
    gone = true;
    resume(false);
    await running.catch(() => {});
  }
}
