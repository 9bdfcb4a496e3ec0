import { cancelledFrom } from './sleep.ts';

export type Release = () => void;

interface Waiter {
  grant: (release: Release) => void;
  fail: (error: unknown) => void;
}

/**
 * A FIFO semaphore whose limit can be lowered or raised while calls are running (the server may
 * announce a smaller `X-Concurrency-Limit-Limit` than configured). Lowering never interrupts
 * running calls; it only holds back new ones until enough have finished.
 */
export class ConcurrencyLimiter {
  #limit: number;
  #active = 0;
  readonly #waiters: Waiter[] = [];

  constructor(limit: number) {
    this.#limit = normalizeLimit(limit);
  }

  get limit(): number {
    return this.#limit;
  }

  get active(): number {
    return this.#active;
  }

  get waiting(): number {
    return this.#waiters.length;
  }

  /** True when `acquire` would have to wait. */
  get saturated(): boolean {
    return this.#active >= this.#limit || this.#waiters.length > 0;
  }

  setLimit(limit: number): void {
    this.#limit = normalizeLimit(limit);
    this.#drain();
  }

  /** `priority`: wait at the front of the queue (a request the server refused goes first). */
  acquire(signal?: AbortSignal, priority = false): Promise<Release> {
    if (signal?.aborted) return Promise.reject(cancelledFrom(signal));
    if (!this.saturated) return Promise.resolve(this.#grant());
    return new Promise<Release>((resolve, reject) => {
      const onAbort = () => {
        const index = this.#waiters.indexOf(waiter);
        if (index !== -1) this.#waiters.splice(index, 1);
        reject(cancelledFrom(signal));
      };
      const waiter: Waiter = {
        grant: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
        fail: reject,
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (priority) this.#waiters.unshift(waiter);
      else this.#waiters.push(waiter);
    });
  }

  #grant(): Release {
    this.#active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#active--;
      this.#drain();
    };
  }

  #drain(): void {
    while (this.#active < this.#limit && this.#waiters.length > 0) {
      const waiter = this.#waiters.shift();
      waiter?.grant(this.#grant());
    }
  }
}

function normalizeLimit(limit: number): number {
  return Number.isFinite(limit) && limit >= 1 ? Math.floor(limit) : 1;
}
