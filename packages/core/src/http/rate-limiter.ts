import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { cancelledFrom, throwIfAborted } from './sleep.ts';
import type { RateLimit } from './types.ts';

export interface RateLimiterOptions {
  /** Monotonic clock in milliseconds; default `performance.now`. */
  now?: () => number;
  /** Overrides `limit.marginMs`. */
  marginMs?: number;
}

/**
 * Extra spacing added to each window so that network jitter cannot make the server count
 * `requests + 1` starts in one window: 1% of the window, at least 50 ms (but at most 10% of a
 * short window), at most 250 ms. For Qualys' 25 calls per 60 s that costs 0.4% of throughput.
 */
export function defaultRateMarginMs(perMs: number): number {
  return Math.min(250, Math.max(perMs * 0.01, Math.min(50, perMs * 0.1)));
}

/** One granted start. Tell the limiter when the request actually left, or that it never did. */
export interface RateTicket {
  /** Milliseconds this caller slept for the window (0 when a slot was free on its turn). */
  waitedMs: number;
  /** The request was written to the socket now (first call wins). */
  sent(): void;
  /** The request never reached the server (e.g. connection refused): free its slot. */
  cancel(): void;
}

interface Start {
  time: number;
  /** Granted but not yet on the wire (e.g. still connecting): it reaches the server later. */
  pending: boolean;
}

/**
 * A sliding-window limiter: at most `requests` call starts in any `perMs` window. Callers are
 * served one at a time in arrival order; each computes the exact moment the oldest of the last
 * `requests` starts leaves the window and sleeps precisely until then, so a long run proceeds at
 * the limit's full speed with no idle gaps and no bursts above it.
 *
 * The server counts a call when it arrives, which for a new connection is after the TCP/TLS
 * handshake. So a start counts from the moment the request was actually sent (`ticket.sent()`),
 * and one still connecting counts as starting "now" until then: the window can never be undercut
 * by a slow handshake of an earlier call.
 */
export class RateLimiter {
  readonly #requests: number;
  readonly #perMs: number;
  readonly #marginMs: number;
  readonly #now: () => number;
  #starts: Start[] = [];
  #turn: Promise<unknown> = Promise.resolve();

  constructor(limit: RateLimit, options: RateLimiterOptions = {}) {
    this.#requests = Math.max(1, Math.floor(limit.requests));
    this.#perMs = Math.max(0, limit.perMs);
    this.#marginMs = options.marginMs ?? limit.marginMs ?? defaultRateMarginMs(this.#perMs);
    this.#now = options.now ?? (() => performance.now());
  }

  /** Milliseconds a caller arriving now would wait (ignoring callers already queued). */
  get nextDelayMs(): number {
    return Math.max(0, this.#earliestStart(this.#now()) - this.#now());
  }

  /** Waits for a start slot and records the start. */
  acquire(signal?: AbortSignal): Promise<RateTicket> {
    const mine = this.#turn.then(async () => {
      // Only time spent sleeping for the window counts as waiting, not time queued behind others.
      let sleptSince: number | null = null;
      for (;;) {
        throwIfAborted(signal);
        const now = this.#now();
        const wait = this.#earliestStart(now) - now;
        if (wait <= 0) return this.#grant(now, sleptSince === null ? 0 : now - sleptSince);
        sleptSince ??= now;
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
    return raceAbort(mine, signal, (ticket) => ticket.cancel());
  }

  #grant(now: number, waitedMs: number): RateTicket {
    const start: Start = { time: now, pending: true };
    this.#starts.push(start);
    this.#prune(now);
    return {
      waitedMs,
      sent: () => {
        if (!start.pending) return;
        start.pending = false;
        start.time = Math.max(start.time, this.#now());
      },
      cancel: () => {
        if (!start.pending) return;
        this.#starts = this.#starts.filter((other) => other !== start);
      },
    };
  }

  /** Keeps the starts that can still matter: pending ones and those inside the window. */
  #prune(now: number): void {
    this.#starts = this.#starts.filter(
      (start) => start.pending || start.time > now - this.#perMs - this.#marginMs,
    );
  }

  #earliestStart(now: number): number {
    this.#prune(now);
    if (this.#starts.length < this.#requests) return Number.NEGATIVE_INFINITY;
    const times = this.#starts.map((start) => (start.pending ? Math.max(start.time, now) : start.time));
    times.sort((a, b) => b - a);
    const nthMostRecent = times[this.#requests - 1] ?? Number.NEGATIVE_INFINITY;
    return nthMostRecent + this.#perMs + this.#marginMs;
  }
}

/** Rejects as soon as `signal` aborts; a value that still arrives afterwards goes to `discard`. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal, discard: (value: T) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let aborted = false;
    const onAbort = () => {
      aborted = true;
      reject(cancelledFrom(signal));
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        if (aborted) discard(value);
        else resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
