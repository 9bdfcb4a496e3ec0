import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { cancelledFrom, throwIfAborted } from './sleep.ts';
import type { RateLimit } from './types.ts';

export interface RateLimiterOptions {
  /** Monotonic clock in milliseconds; default `performance.now`. */
  now?: () => number;
  /**
   * Extra spacing added to each window so that network jitter cannot make the server count
   * `requests + 1` starts in one window. Default: 1% of the window, at most 250 ms.
   */
  marginMs?: number;
}

/**
 * A sliding-window limiter: at most `requests` call starts in any `perMs` window. Callers are
 * served one at a time in arrival order; each computes the exact moment the oldest of the last
 * `requests` starts leaves the window and sleeps precisely until then, so a long run proceeds
 * at the limit's full speed with no idle gaps and no bursts above it. Start times are recorded
 * when the caller is released (it sends at once), not when it queued.
 */
export class RateLimiter {
  readonly #requests: number;
  readonly #perMs: number;
  readonly #marginMs: number;
  readonly #now: () => number;
  readonly #starts: number[] = [];
  #turn: Promise<unknown> = Promise.resolve();

  constructor(limit: RateLimit, options: RateLimiterOptions = {}) {
    this.#requests = Math.max(1, Math.floor(limit.requests));
    this.#perMs = Math.max(0, limit.perMs);
    this.#marginMs = options.marginMs ?? Math.min(this.#perMs * 0.01, 250);
    this.#now = options.now ?? (() => performance.now());
  }

  /** Milliseconds a caller arriving now would wait (ignoring callers already queued). */
  get nextDelayMs(): number {
    return Math.max(0, this.#earliestStart() - this.#now());
  }

  /** Waits for a start slot and records the start. Resolves with the milliseconds waited. */
  acquire(signal?: AbortSignal): Promise<number> {
    const queuedAt = this.#now();
    const mine = this.#turn.then(async () => {
      for (;;) {
        throwIfAborted(signal);
        const now = this.#now();
        const wait = this.#earliestStart() - now;
        if (wait <= 0) {
          this.#starts.push(now);
          if (this.#starts.length > this.#requests) this.#starts.shift();
          return now - queuedAt;
        }
        try {
          await delay(Math.ceil(wait), undefined, signal ? { signal } : {});
        } catch (error) {
          if (signal?.aborted) throw cancelledFrom(signal);
          throw error;
        }
      }
    });
    this.#turn = mine.catch(() => {});
    if (!signal) return mine;
    // An aborted caller must not wait for its turn just to learn it was cancelled.
    return raceAbort(mine, signal);
  }

  #earliestStart(): number {
    if (this.#starts.length < this.#requests) return Number.NEGATIVE_INFINITY;
    const oldest = this.#starts[this.#starts.length - this.#requests] ?? Number.NEGATIVE_INFINITY;
    return oldest + this.#perMs + this.#marginMs;
  }
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(cancelledFrom(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelledFrom(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
