import { cancelledFrom } from '../http/sleep.ts';
import { assertConcurrency, toAsyncIterator, Wakeup } from './bounded-concurrency.ts';

export interface RunBoundedOptions {
  signal?: AbortSignal;
}

/**
 * Runs `worker` over `items` with at most `concurrency` running at once and yields each result as
 * soon as it is ready (completion order, not input order). Finished results waiting to be consumed
 * count against the bound, so a slow consumer holds back new work instead of buffering it.
 *
 * - A worker error stops new work, aborts the `signal` given to running workers, waits for them to
 *   settle and then throws the first error.
 * - Aborting `options.signal` does the same and throws CancelledError.
 * - A consumer that stops early (break) also aborts and awaits the running workers.
 */
export async function* runBounded<T, R>(
  items: Iterable<T> | AsyncIterable<T>,
  concurrency: number,
  worker: (item: T, index: number, signal: AbortSignal) => Promise<R>,
  options: RunBoundedOptions = {},
): AsyncGenerator<R, void, undefined> {
  const limit = assertConcurrency(concurrency);
  const external = options.signal;
  const controller = new AbortController();
  const wakeup = new Wakeup();
  const onAbort = () => {
    controller.abort(external?.reason);
    wakeup.notify();
  };
  if (external?.aborted) throw cancelledFrom(external);
  external?.addEventListener('abort', onAbort, { once: true });

  const iterator = toAsyncIterator(items);
  const ready: R[] = [];
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | null = null;
  let exhausted = false;
  let index = 0;

  const start = (item: T, position: number) => {
    const task = (async () => {
      try {
        ready.push(await worker(item, position, controller.signal));
      } catch (error) {
        failure ??= { error };
        controller.abort();
      }
    })();
    running.add(task);
    // The task never rejects: errors are captured in `failure` above.
    void task.then(() => {
      running.delete(task);
      wakeup.notify();
    });
  };

  try {
    for (;;) {
      while (
        !exhausted &&
        failure === null &&
        !controller.signal.aborted &&
        running.size + ready.length < limit
      ) {
        let next: IteratorResult<T>;
        try {
          next = await iterator.next();
        } catch (error) {
          failure ??= { error };
          break;
        }
        if (next.done) exhausted = true;
        else start(next.value, index++);
      }
      if (external?.aborted) throw cancelledFrom(external);
      if (failure !== null) break;
      if (ready.length > 0) {
        yield ready.shift() as R;
        continue;
      }
      if (exhausted && running.size === 0) return;
      const woken = wakeup.wait();
      if (running.size > 0 || external?.aborted) await woken;
    }
    controller.abort();
    await Promise.allSettled([...running]);
    if (external?.aborted) throw cancelledFrom(external);
    throw (failure as { error: unknown }).error;
  } finally {
    external?.removeEventListener('abort', onAbort);
    if (running.size > 0) {
      controller.abort();
      await Promise.allSettled([...running]);
    }
    if (!exhausted) await iterator.return?.();
  }
}
