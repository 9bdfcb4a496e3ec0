/**
 * A FIFO hand-off from concurrent producers (postureInfo workers) to the one consumer (the
 * sync engine pulling `read()`). Producers wait while `capacity` items are queued, so memory
 * stays bounded by the engine's pace. `offer` builds the item only when it enters the queue:
 * a checkpoint snapshot taken then claims exactly what was queued before it.
 *
 * Why not core's helpers: a merge of async sources builds an item when its producer yields it,
 * before it is queued behind other producers' items, so a checkpoint built there could claim work
 * not yet handed to the engine. This build-on-enqueue is what makes PCRS checkpoints exact, and
 * no other connector needs it, so it stays here.
 */
export class BatchChannel<T> {
  readonly #capacity: number;
  readonly #queue: T[] = [];
  #consumer: (() => void) | null = null;
  #spaceWaiters: Array<() => void> = [];
  #closed = false;
  #error: unknown = undefined;
  #failed = false;

  constructor(capacity: number) {
    this.#capacity = Math.max(1, capacity);
  }

  /** Waits for room, then enqueues `build()`. Throws if the channel was closed meanwhile. */
  async offer(build: () => T): Promise<void> {
    while (this.#queue.length >= this.#capacity && !this.#closed) {
      await new Promise<void>((resolve) => this.#spaceWaiters.push(resolve));
    }
    if (this.#closed) throw new ChannelClosedError();
    this.#queue.push(build());
    this.#wakeConsumer();
  }

  /** No more items; with an error the consumer throws it after nothing else is delivered. */
  close(error?: unknown): void {
    if (this.#closed) return;
    this.#closed = true;
    if (error !== undefined) {
      this.#failed = true;
      this.#error = error;
      this.#queue.length = 0;
    }
    this.#wakeConsumer();
    this.#wakeProducers();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (;;) {
      if (this.#failed) throw this.#error;
      const item = this.#queue.shift();
      if (item !== undefined) {
        this.#wakeProducers();
        yield item;
        continue;
      }
      if (this.#closed) return;
      await new Promise<void>((resolve) => {
        this.#consumer = resolve;
      });
    }
  }

  #wakeConsumer(): void {
    const consumer = this.#consumer;
    this.#consumer = null;
    consumer?.();
  }

  #wakeProducers(): void {
    const waiters = this.#spaceWaiters;
    this.#spaceWaiters = [];
    for (const waiter of waiters) waiter();
  }
}

/** Thrown to producers when the consumer has gone (sync failed or cancelled). */
export class ChannelClosedError extends Error {
  constructor() {
    super('the batch channel is closed');
    this.name = 'ChannelClosedError';
  }
}
