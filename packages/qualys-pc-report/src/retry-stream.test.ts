import { CancelledError, TransientError } from '@posturesync/core';
import { describe, expect, it } from 'vitest';
import { retryStream } from './retry-stream.ts';

const noWait = async () => {};

describe('retryStream', () => {
  it('issue 6: starts the stream over after a retryable failure and passes every attempt on', async () => {
    const started: number[] = [];
    const delays: number[] = [];
    const seen: string[] = [];
    for await (const item of retryStream(
      async function* (attempt) {
        started.push(attempt);
        yield `a${attempt}-1`;
        yield `a${attempt}-2`;
        if (attempt < 3) throw new TransientError(`broke off in attempt ${attempt}`);
        yield `a${attempt}-3`;
      },
      {
        policy: { maxRetries: 2 },
        sleep: noWait,
        random: () => 0.5,
        onRetry: (_error, _attempt, delayMs) => delays.push(delayMs),
      },
    )) {
      seen.push(item);
    }
    expect(started).toEqual([1, 2, 3]);
    expect(seen).toEqual(['a1-1', 'a1-2', 'a2-1', 'a2-2', 'a3-1', 'a3-2', 'a3-3']);
    // withRetry's jittered exponential back-off (base 1 s): half of 1 s, then half of 2 s.
    expect(delays).toEqual([500, 1000]);
  });

  it('issue 6: rethrows the last error once the attempts are used up', async () => {
    let attempts = 0;
    const stream = retryStream(
      async function* () {
        attempts += 1;
        yield 1;
        throw new TransientError('still broken');
      },
      { policy: { maxRetries: 1 }, sleep: noWait },
    );
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const item of stream) seen.push(item);
      })(),
    ).rejects.toThrow('still broken');
    expect(attempts).toBe(2);
    expect(seen).toEqual([1, 1]);
  });

  it('issue 6: does not retry an error the predicate refuses', async () => {
    let attempts = 0;
    const stream = retryStream(
      // biome-ignore lint/correctness/useYield: fails before its first item
      async function* () {
        attempts += 1;
        throw new Error('not retryable');
      },
      { policy: { maxRetries: 5 }, sleep: noWait, isRetryable: () => false },
    );
    await expect(stream.next()).rejects.toThrow('not retryable');
    expect(attempts).toBe(1);
  });

  it('issue 6: never runs ahead of the consumer, and a consumer that stops ends the paused attempt', async () => {
    const produced: number[] = [];
    let cleanedUp = 0;
    let attempts = 0;
    const stream = retryStream(
      async function* () {
        attempts += 1;
        try {
          for (let index = 1; index <= 5; index++) {
            produced.push(index);
            yield index;
          }
        } finally {
          cleanedUp += 1;
        }
      },
      { policy: { maxRetries: 3 }, sleep: noWait },
    );
    expect(await stream.next()).toEqual({ done: false, value: 1 });
    // Give a runaway producer every chance to go on.
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(produced).toEqual([1]);
    expect(await stream.next()).toEqual({ done: false, value: 2 });
    expect(produced).toEqual([1, 2]);
    await stream.return(undefined);
    expect(cleanedUp).toBe(1);
    expect(attempts).toBe(1);
    expect(produced).toEqual([1, 2]);
  });

  it('issue 6: stops retrying when the signal is aborted during the back-off', async () => {
    const controller = new AbortController();
    let attempts = 0;
    const stream = retryStream(
      async function* () {
        attempts += 1;
        yield attempts;
        throw new TransientError('broke off');
      },
      {
        policy: { maxRetries: 5 },
        signal: controller.signal,
        sleep: async () => {
          controller.abort();
        },
      },
    );
    const seen: number[] = [];
    const error = await (async () => {
      for await (const item of stream) seen.push(item);
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CancelledError);
    expect(attempts).toBe(1);
    expect(seen).toEqual([1]);
  });
});
