import { cancelledFrom } from '../http/sleep.ts';
import { assertConcurrency, toAsyncIterator, Wakeup } from './bounded-concurrency.ts';

/** A source: an async iterable, or a factory that creates one and should stop when `signal` aborts. */
export type MergeSource<T> = AsyncIterable<T> | ((signal: AbortSignal) => AsyncIterable<T>);

export interface MergeOptions {
  signal?: AbortSignal;
}

interface Active<T> {
  iterator: AsyncIterator<T>;
  /** A `next()` is outstanding: the producer is working on (or holding) one item. */
  pending: boolean;
}

type Arrival<T> = { active: Active<T>; result: IteratorResult<T> } | { active: Active<T>; error: unknown };

/**
 * Merges several async sources into one async generator, running at most `concurrency` sources
 * at a time (later sources start as earlier ones finish) and yielding items as they arrive.
 *
 * Backpressure: a source is asked for its next item when its previous item is handed to the
 * consumer, so while the consumer works on an item each producer prepares at most one more; memory
 * stays bounded by about `concurrency` items. This is how a connector yields record batches from several concurrent
 * downloads through a single `read()` generator.
 *
 * The first error (or an abort, as CancelledError) stops everything: factory sources see their
 * signal abort, active iterators are closed with `return()`, and then the error is thrown. A
 * consumer that stops early closes the sources the same way.
 */
export async function* mergeAsyncIterables<T>(
  sources: Iterable<MergeSource<T>> | AsyncIterable<MergeSource<T>>,
  concurrency: number,
  options: MergeOptions = {},
): AsyncGenerator<T, void, undefined> {
  const limit = assertConcurrency(concurrency);
  const external = options.signal;
  if (external?.aborted) throw cancelledFrom(external);
  const controller = new AbortController();
  const wakeup = new Wakeup();
  const onAbort = () => {
    controller.abort(external?.reason);
    wakeup.notify();
  };
  external?.addEventListener('abort', onAbort, { once: true });

  const pendingSources = toAsyncIterator(sources);
  const active = new Set<Active<T>>();
  const arrivals: Arrival<T>[] = [];
  let sourcesExhausted = false;
  let failure: { error: unknown } | null = null;

  const pull = (entry: Active<T>) => {
    entry.pending = true;
    entry.iterator.next().then(
      (result) => {
        entry.pending = false;
        arrivals.push({ active: entry, result });
        wakeup.notify();
      },
      (error: unknown) => {
        entry.pending = false;
        arrivals.push({ active: entry, error });
        wakeup.notify();
      },
    );
  };

  const fill = async () => {
    while (!sourcesExhausted && failure === null && !controller.signal.aborted && active.size < limit) {
      let next: IteratorResult<MergeSource<T>>;
      try {
        next = await pendingSources.next();
      } catch (error) {
        failure ??= { error };
        return;
      }
      if (next.done) {
        sourcesExhausted = true;
        return;
      }
      const source = next.value;
      const iterable = typeof source === 'function' ? source(controller.signal) : source;
      const entry: Active<T> = { iterator: iterable[Symbol.asyncIterator](), pending: false };
      active.add(entry);
      pull(entry);
    }
  };

  try {
    await fill();
    for (;;) {
      if (external?.aborted) throw cancelledFrom(external);
      if (failure !== null) throw failure.error;
      const arrival = arrivals.shift();
      if (arrival) {
        if ('error' in arrival) {
          active.delete(arrival.active);
          failure ??= { error: arrival.error };
          continue;
        }
        if (arrival.result.done) {
          active.delete(arrival.active);
          await fill();
          continue;
        }
        // While the consumer handles this item the producer may prepare exactly one more.
        pull(arrival.active);
        yield arrival.result.value;
        continue;
      }
      if (active.size === 0 && (sourcesExhausted || failure !== null)) return;
      await wakeup.wait();
    }
  } finally {
    external?.removeEventListener('abort', onAbort);
    controller.abort();
    // Close every source still open; a producer busy on an item finishes it first (it has seen
    // the abort if it is a factory source).
    await Promise.allSettled([...active].map((entry) => entry.iterator.return?.()));
    if (!sourcesExhausted) await pendingSources.return?.();
  }
}
