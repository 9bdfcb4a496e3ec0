import { ConfigError } from '../errors/index.ts';

/** Validates a concurrency setting (a positive whole number). */
export function assertConcurrency(concurrency: number): number {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ConfigError(
      `Concurrency must be a positive whole number, got ${concurrency}. Check the concurrency setting.`,
      { details: { concurrency } },
    );
  }
  return concurrency;
}

/** A one-shot wake-up for a generator waiting on several producers. */
export class Wakeup {
  #resolve: (() => void) | null = null;

  wait(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#resolve = resolve;
    });
  }

  notify(): void {
    const resolve = this.#resolve;
    this.#resolve = null;
    resolve?.();
  }
}

export function toAsyncIterator<T>(items: Iterable<T> | AsyncIterable<T>): AsyncIterator<T> {
  if (Symbol.asyncIterator in items) return items[Symbol.asyncIterator]();
  const iterator = items[Symbol.iterator]();
  return {
    next: async () => iterator.next(),
    return: async (value?: unknown) => iterator.return?.(value) ?? { done: true, value: undefined },
  };
}
