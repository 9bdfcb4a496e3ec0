import type { Logger } from '../log/logger.ts';
import { slowerLimit } from './adaptive-rate.ts';
import type { RateLimiter } from './rate-limiter.ts';
import type { RateWindowKey, RateWindowSnapshot, RateWindowStore } from './rate-window-store.ts';
import type { RateLimit } from './types.ts';

export interface RateWindowRecorderOptions {
  store: RateWindowStore;
  key: RateWindowKey;
  limiter: RateLimiter;
  /** The limiter's clock (ms since the epoch). */
  now: () => number;
  /** The limit worth keeping (one learned from refusals), or null; default: none is kept. */
  learnedLimit?: () => RateLimit | null;
  logger: Logger;
  /** Longest time a start stays unsaved while calls are made; default 1 s. */
  debounceMs?: number;
}

/** Starts older than this are never needed, whatever the limit (Qualys' classic windows are 1 h). */
const longestWindowMs = 24 * 60 * 60_000;

/**
 * Mirrors a rate limiter's window into a `RateWindowStore` without a write per call, yet without
 * losing starts when the process is killed.
 *
 * The trick is a reservation: every save also stores `reserve` extra starts dated `debounceMs`
 * after the save. Until the next save the process makes at most `reserve` starts, all within
 * `debounceMs` (a start beyond either bound forces a save first), so a reader after a kill sees
 * at least as many starts as were made, each dated no earlier than it really was: the window it
 * rebuilds is never emptier than the server's. A clean `close()` saves the exact window.
 */
export class RateWindowRecorder {
  readonly #options: RateWindowRecorderOptions;
  readonly #debounceMs: number;
  #lastSave = Number.NEGATIVE_INFINITY;
  #unsaved = 0;
  #reserved = 0;
  #dirty = false;
  #timer: NodeJS.Timeout | null = null;
  #failed = false;

  constructor(options: RateWindowRecorderOptions) {
    this.#options = options;
    this.#debounceMs = options.debounceMs ?? 1000;
  }

  /** Feeds the stored window into the limiter. */
  load(): RateWindowSnapshot | null {
    const { store, key, limiter, now } = this.#options;
    let snapshot: RateWindowSnapshot | null;
    try {
      snapshot = store.load(key);
    } catch (error) {
      this.#warn('could not read the stored rate window; starting from an empty one', error);
      return null;
    }
    if (!snapshot) return null;
    const current = now();
    const stored = snapshot.limit;
    // A limit learned from the server (lower than ours) still holds: start from it.
    if (stored && (limiter.limit === null || slowerLimit(limiter.limit, stored) === stored))
      limiter.setLimit(stored);
    limiter.recordStarts(snapshot.starts.filter((time) => time > current - longestWindowMs));
    if (snapshot.pausedUntil !== null && snapshot.pausedUntil > current)
      limiter.pauseUntil(snapshot.pausedUntil);
    return snapshot;
  }

  /** The limiter granted a start (`grant`) or updated one. */
  changed(kind: 'grant' | 'update'): void {
    if (kind === 'grant') this.#unsaved++;
    this.#dirty = true;
    const overdue = this.#options.now() - this.#lastSave >= this.#debounceMs;
    if (this.#unsaved > this.#reserved || overdue) {
      this.#save(true);
      return;
    }
    if (this.#timer === null) {
      const wait = Math.max(0, this.#lastSave + this.#debounceMs - this.#options.now());
      this.#timer = setTimeout(() => {
        this.#timer = null;
        if (this.#dirty) this.#save(true);
      }, wait);
      this.#timer.unref();
    }
  }

  /** Saves the exact window (no reservation). */
  close(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#lastSave !== Number.NEGATIVE_INFINITY || this.#dirty) this.#save(false);
  }

  #reserveSize(): number {
    const limit = this.#options.limiter.limit;
    if (!limit) return 20;
    // As many starts as the limit allows in one debounce period, so a save per period suffices.
    const perPeriod = Math.ceil((limit.requests * this.#debounceMs) / Math.max(1, limit.perMs));
    return Math.min(50, Math.max(2, perPeriod));
  }

  #save(reserve: boolean): void {
    const { store, key, limiter, now } = this.#options;
    const current = now();
    const limit = limiter.limit;
    const keepMs = Math.max(limit ? limit.perMs * 1.1 : 0, limiter.cap ? limiter.cap.perMs * 1.1 : 0, 60_000);
    const starts = limiter.recentStarts(keepMs);
    this.#reserved = reserve ? this.#reserveSize() : 0;
    for (let index = 0; index < this.#reserved; index++) starts.push(current + this.#debounceMs);
    try {
      store.save(key, {
        starts,
        limit: this.#options.learnedLimit?.() ?? null,
        pausedUntil: limiter.pausedUntil,
      });
    } catch (error) {
      this.#warn('could not store the rate window', error);
    }
    this.#lastSave = current;
    this.#unsaved = 0;
    this.#dirty = false;
  }

  #warn(message: string, error: unknown): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#options.logger.warn(message, { error: error instanceof Error ? error.message : String(error) });
  }
}
