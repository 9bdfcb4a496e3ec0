import { performance } from 'node:perf_hooks';
import { cancelledFrom, defaultSleep, type Sleep } from './sleep.ts';
import type { RateLimit } from './types.ts';

export interface RateLimiterOptions {
  /**
   * Clock in milliseconds since the epoch; default a monotonic one (`performance.timeOrigin +
   * performance.now()`), so start times can be stored and read back by another process.
   */
  now?: () => number;
  /** Overrides `limit.marginMs`. */
  marginMs?: number;
  /** Sleep used while the head of the queue waits (injectable for tests); must reject on abort. */
  sleep?: Sleep;
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
  /** Milliseconds this caller slept for the window or a pause (0 when a slot was free on its turn). */
  waitedMs: number;
  /** When the slot was granted (limiter clock). */
  grantedAt: number;
  /** The request was written to the socket now (first call wins). */
  sent(): void;
  /** The request never reached the server (e.g. connection refused): free its slot. */
  cancel(): void;
  /** The server refused the request (throttled): it still counts, but not as an accepted call. */
  refused(): void;
}

export interface AcquireOptions {
  signal?: AbortSignal | undefined;
  /** Served before every caller without priority: a request the server refused goes first. */
  priority?: boolean;
}

interface Start {
  time: number;
  /** Granted but not yet on the wire (e.g. still connecting): it reaches the server later. */
  pending: boolean;
  /** The server answered it with a throttle. */
  refused: boolean;
}

interface Waiter {
  priority: boolean;
  /** When this caller first had to sleep at the head of the queue, or null. */
  sleptSince: number | null;
  grant: (ticket: RateTicket) => void;
  fail: (error: unknown) => void;
}

/**
 * A sliding-window limiter: at most `requests` call starts in any `perMs` window. Callers are
 * served one at a time, callers with priority first, otherwise in arrival order; the head
 * computes the exact moment the oldest of the last `requests` starts leaves the window and
 * sleeps precisely until then, so a long run proceeds at the limit's full speed with no idle
 * gaps and no bursts above it.
 *
 * The limit can change while callers wait (the server may say it is lower), it can be `null`
 * (no pacing: only pauses apply), and `pauseUntil` holds every caller back until a moment the
 * server named. The queue is the one place where "who goes next" is decided, which is what
 * lets a refused request go first when the window reopens.
 *
 * The server counts a call when it arrives, which for a new connection is after the TCP/TLS
 * handshake. So a start counts from the moment the request was actually sent (`ticket.sent()`),
 * and one still connecting counts as starting "now" until then: the window can never be undercut
 * by a slow handshake of an earlier call.
 */
export class RateLimiter {
  #limit: RateLimit | null;
  #cap: RateLimit | null = null;
  readonly #fixedMarginMs: number | undefined;
  readonly #now: () => number;
  readonly #sleep: Sleep;
  #starts: Start[] = [];
  readonly #queue: Waiter[] = [];
  #pausedUntil = Number.NEGATIVE_INFINITY;
  #pumping = false;
  #wake: AbortController | null = null;
  /** Called after every start granted (`grant`) or changed, and every pause, so a store can keep the window. */
  onChange: ((kind: 'grant' | 'update') => void) | null = null;

  constructor(limit: RateLimit | null, options: RateLimiterOptions = {}) {
    this.#limit = normalizeLimit(limit);
    this.#fixedMarginMs = options.marginMs;
    this.#now = options.now ?? (() => performance.timeOrigin + performance.now());
    this.#sleep = options.sleep ?? defaultSleep;
  }

  /** The limit in force (null: no pacing). */
  get limit(): RateLimit | null {
    return this.#limit;
  }

  /** Milliseconds a caller arriving now would wait (ignoring callers already queued). */
  get nextDelayMs(): number {
    const now = this.#now();
    return Math.max(0, this.#earliestStart(now) - now);
  }

  /** The moment (limiter clock) until which every caller is held back, or null. */
  get pausedUntil(): number | null {
    return this.#pausedUntil > this.#now() ? this.#pausedUntil : null;
  }

  get waiting(): number {
    return this.#queue.length;
  }

  /** A second limit enforced on top of `limit` (the configured one when the server states its own). */
  get cap(): RateLimit | null {
    return this.#cap;
  }

  setCap(cap: RateLimit | null): void {
    this.#cap = normalizeLimit(cap);
    this.#rouse();
  }

  /** Changes the limit; waiting callers are rescheduled at once. */
  setLimit(limit: RateLimit | null): void {
    this.#limit = normalizeLimit(limit);
    this.#rouse();
  }

  /**
   * Holds every caller back until `until` (limiter clock). Returns how many milliseconds this
   * added to the pause already in force (0 when that one already lasts longer).
   */
  pauseUntil(until: number): number {
    const now = this.#now();
    const before = Math.max(now, this.#pausedUntil);
    if (until <= before) return 0;
    this.#pausedUntil = until;
    this.#rouse();
    this.onChange?.('update');
    return until - before;
  }

  /** Waits for a start slot and records the start. */
  acquire(options: AcquireOptions = {}): Promise<RateTicket> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(cancelledFrom(signal));
    return new Promise<RateTicket>((resolve, reject) => {
      const onAbort = () => {
        const index = this.#queue.indexOf(waiter);
        if (index !== -1) this.#queue.splice(index, 1);
        reject(cancelledFrom(signal));
        this.#rouse();
      };
      const waiter: Waiter = {
        priority: options.priority === true,
        sleptSince: null,
        grant: (ticket) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(ticket);
        },
        fail: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (waiter.priority) {
        const firstOrdinary = this.#queue.findIndex((other) => !other.priority);
        this.#queue.splice(firstOrdinary === -1 ? this.#queue.length : firstOrdinary, 0, waiter);
        // A new head: the previous one keeps its place right behind it.
        this.#rouse();
      } else this.#queue.push(waiter);
      void this.#pump();
    });
  }

  /** Starts (limiter clock) that fall inside the last `windowMs`, pending ones as "now". */
  recentStarts(windowMs?: number): number[] {
    const now = this.#now();
    const span = windowMs ?? this.#windowMs();
    return this.#starts
      .map((start) => (start.pending ? Math.max(start.time, now) : start.time))
      .filter((time) => time > now - span);
  }

  /** Accepted (not refused) starts inside the last `windowMs`. */
  acceptedWithin(windowMs: number): number {
    const now = this.#now();
    return this.#starts.filter((start) => !start.refused && (start.pending || start.time > now - windowMs))
      .length;
  }

  /**
   * Adds starts made elsewhere (another process, read back from a store; or calls the server
   * counted that we did not make): they occupy the window like our own.
   */
  recordStarts(times: readonly number[]): void {
    if (times.length === 0) return;
    for (const time of times) this.#starts.push({ time, pending: false, refused: false });
    this.#starts.sort((a, b) => a.time - b.time);
    this.#rouse();
  }

  /**
   * The server says `remaining` calls are left in its window: when that is fewer than our own
   * count leaves, the difference was made by someone else (another tool on the subscription), and
   * is recorded as starts made now. Recording them now rather than when they really happened
   * keeps them in the window longer than needed, never shorter.
   */
  alignRemaining(remaining: number): void {
    const limit = this.#limit;
    if (limit === null) return;
    const missing = limit.requests - remaining - this.recentStarts(limit.perMs).length;
    if (missing <= 0) return;
    const now = this.#now();
    this.recordStarts(Array.from({ length: missing }, () => now));
    this.onChange?.('update');
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      for (;;) {
        const head = this.#queue[0];
        if (!head) return;
        const now = this.#now();
        const at = Math.max(this.#pausedUntil, this.#earliestStart(now));
        if (at <= now) {
          this.#queue.shift();
          head.grant(this.#grant(now, head.sleptSince === null ? 0 : now - head.sleptSince));
          continue;
        }
        head.sleptSince ??= now;
        const wake = new AbortController();
        this.#wake = wake;
        try {
          await this.#sleep(Math.ceil(at - now), wake.signal);
        } catch {
          // Woken early: the limit, the pause or the head changed; look again.
        } finally {
          this.#wake = null;
        }
        // An injected sleep may resolve at once (tests): let I/O run so pending starts can be sent.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      this.#pumping = false;
    }
  }

  #rouse(): void {
    this.#wake?.abort();
  }

  #grant(now: number, waitedMs: number): RateTicket {
    const start: Start = { time: now, pending: true, refused: false };
    this.#starts.push(start);
    this.#prune(now);
    this.onChange?.('grant');
    return {
      waitedMs,
      grantedAt: now,
      sent: () => {
        if (!start.pending) return;
        start.pending = false;
        start.time = Math.max(start.time, this.#now());
        this.onChange?.('update');
      },
      cancel: () => {
        if (!start.pending) return;
        this.#starts = this.#starts.filter((other) => other !== start);
        this.#rouse();
        this.onChange?.('update');
      },
      refused: () => {
        start.refused = true;
      },
    };
  }

  #marginMs(limit: RateLimit | null = this.#limit): number {
    if (!limit) return 0;
    return this.#fixedMarginMs ?? limit.marginMs ?? defaultRateMarginMs(limit.perMs);
  }

  #windowMs(): number {
    const spans = [this.#limit, this.#cap].map((limit) => (limit ? limit.perMs + this.#marginMs(limit) : 0));
    return Math.max(...spans);
  }

  /**
   * Keeps the starts that can still matter: pending ones and those inside the window. Without a
   * limit the last minute is kept, so a limit learned later still sees the recent calls.
   */
  #prune(now: number): void {
    const keepMs = Math.max(this.#windowMs(), 60_000);
    this.#starts = this.#starts.filter((start) => start.pending || start.time > now - keepMs);
  }

  #earliestStart(now: number): number {
    if (!this.#limit && !this.#cap) return Number.NEGATIVE_INFINITY;
    this.#prune(now);
    return Math.max(this.#earliestUnder(this.#limit, now), this.#earliestUnder(this.#cap, now));
  }

  #earliestUnder(limit: RateLimit | null, now: number): number {
    if (!limit) return Number.NEGATIVE_INFINITY;
    const margin = this.#marginMs(limit);
    const inWindow = this.#starts.filter((start) => start.pending || start.time > now - limit.perMs - margin);
    if (inWindow.length < limit.requests) return Number.NEGATIVE_INFINITY;
    const times = inWindow.map((start) => (start.pending ? Math.max(start.time, now) : start.time));
    times.sort((a, b) => b - a);
    const nthMostRecent = times[limit.requests - 1] ?? Number.NEGATIVE_INFINITY;
    return nthMostRecent + limit.perMs + margin;
  }
}

function normalizeLimit(limit: RateLimit | null): RateLimit | null {
  if (!limit) return null;
  return { ...limit, requests: Math.max(1, Math.floor(limit.requests)), perMs: Math.max(0, limit.perMs) };
}
