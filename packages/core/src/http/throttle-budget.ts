/** Default total time a client sits out server throttling before it gives up: 30 minutes. */
export const defaultMaxThrottleWaitMs = 30 * 60_000;

/**
 * The total time one client may spend waiting because the server throttled it (429, Qualys 409
 * codes 1960/1965). Throttling is not failure: those waits do not draw on `maxRetries`, only on
 * this budget, shared by every call of the client, so a busy subscription slows a sync down but
 * only a subscription that stays blocked for the whole budget ends it.
 */
export class ThrottleBudget {
  readonly maxWaitMs: number;
  #waits = 0;
  #waitedMs = 0;

  constructor(maxWaitMs: number = defaultMaxThrottleWaitMs) {
    this.maxWaitMs = Math.max(0, maxWaitMs);
  }

  /** Throttle answers met so far. */
  get waits(): number {
    return this.#waits;
  }

  /** Milliseconds spent (or committed to) waiting them out. */
  get waitedMs(): number {
    return this.#waitedMs;
  }

  get remainingMs(): number {
    return Math.max(0, this.maxWaitMs - this.#waitedMs);
  }

  /** Whether a further wait of `ms` still fits. */
  allows(ms: number): boolean {
    return this.#waitedMs + ms <= this.maxWaitMs;
  }

  /** Counts one throttle answer and the wait it added (0 when an earlier pause covers it). */
  record(addedMs: number): void {
    this.#waits++;
    this.#waitedMs += Math.max(0, addedMs);
  }
}
