const encoder = new TextEncoder();

/** Pull-based: the next chunk is generated only when the consumer asks, so memory stays flat. */
export function iterableToStream(
  source: Iterable<string> | AsyncIterable<string | Uint8Array>,
): ReadableStream<Uint8Array> {
  const iterator =
    Symbol.asyncIterator in source
      ? (source as AsyncIterable<string | Uint8Array>)[Symbol.asyncIterator]()
      : (source as Iterable<string>)[Symbol.iterator]();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const next = await iterator.next();
          if (next.done) {
            controller.close();
            return;
          }
          const chunk = next.value;
          controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
        } catch (error) {
          controller.error(error);
        }
      },
      async cancel() {
        await iterator.return?.();
      },
    },
    { highWaterMark: 1 },
  );
}

/** Calls `onDone` exactly once when the stream ends, errors or is cancelled. */
export function onStreamDone(
  stream: ReadableStream<Uint8Array>,
  onDone: () => void,
): ReadableStream<Uint8Array> {
  const reader = stream.getReader();
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    onDone();
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            finish();
            controller.close();
            return;
          }
          controller.enqueue(value);
        } catch (error) {
          finish();
          controller.error(error);
        }
      },
      async cancel(reason) {
        finish();
        await reader.cancel(reason);
      },
    },
    { highWaterMark: 1 },
  );
}

/**
 * Lets part of the body through, then either errors the stream (`reset`: the server
 * destroys the socket mid-body) or ends it early (`truncate`: a clean end of a cut body).
 * One chunk is held back so even a one-chunk body is cut in the middle.
 */
export function cutStream(
  stream: ReadableStream<Uint8Array>,
  mode: 'reset' | 'truncate',
  cutAfterBytes = 16_384,
): ReadableStream<Uint8Array> {
  const reader = stream.getReader();
  let held: Uint8Array | undefined;
  let sent = 0;
  const stop = (controller: ReadableStreamDefaultController<Uint8Array>, last: Uint8Array | undefined) => {
    if (last && last.length > 0)
      controller.enqueue(last.subarray(0, Math.max(1, Math.floor(last.length / 2))));
    void reader.cancel().catch(() => undefined);
    if (mode === 'reset')
      controller.error(
        Object.assign(new Error('Simulated connection reset mid-body'), { code: 'ECONNRESET' }),
      );
    else controller.close();
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          stop(controller, held);
          return;
        }
        if (held) {
          controller.enqueue(held);
          sent += held.length;
        }
        held = value;
        if (sent >= cutAfterBytes) {
          stop(controller, held);
          return;
        }
        if (sent > 0) return;
      }
    },
    async cancel(reason) {
      await reader.cancel(reason);
    },
  });
}

export function gzipStream(stream: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  return stream.pipeThrough(
    new CompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>,
  );
}
