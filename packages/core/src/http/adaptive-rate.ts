import type { RateLimiter } from './rate-limiter.ts';
import type { RateLimit } from './types.ts';

/** The slower of two limits (by calls per millisecond); null means "no limit". */
export function slowerLimit(a: RateLimit | null, b: RateLimit | null): RateLimit | null {
  if (a === null) return b;
  if (b === null) return a;
  const rateA = a.requests / Math.max(1, a.perMs);
  const rateB = b.requests / Math.max(1, b.perMs);
  if (rateA !== rateB) return rateA < rateB ? a : b;
  // Same rate: the shorter window allows the smaller burst.
  return a.perMs <= b.perMs ? a : b;
}

/**
 * Steers the shared rate limiter from what the server does. On a throttle answer it lowers the
 * rate to what the server accepted in the window; after a full quiet window it raises it again
 * one step at a time, never above the ceiling (the server's announced limit, else the configured
 * one). A limit the server announces in headers is adopted directly, while the configured limit
 * stays enforced as the limiter's cap: we never go faster than the user asked.
 *
 * Why adapt at all: the configured limit is a guess (Qualys' documented default), and other tools
 * on the same subscription spend the same budget. Lowering stops a run of refusals at the first;
 * raising step by step gives the capacity back once the other user is gone.
 */
export class AdaptiveRate {
  readonly #limiter: RateLimiter;
  readonly #configured: RateLimit | null;
  readonly #now: () => number;
  #announced: RateLimit | null = null;
  /** Last moment the limit was lowered or raised, or the server refused a call. */
  #lastEvent = Number.NEGATIVE_INFINITY;
  /** Last moment the limit was lowered, and raised. */
  #lastLowered = Number.NEGATIVE_INFINITY;
  #lastRaised = Number.NEGATIVE_INFINITY;
  /**
   * Quiet windows needed before the next raise. A raise the server refuses within a window means
   * we sit at its limit: probing again at once would cost a refusal every other window, so the
   * wait doubles (up to 16 windows); a raise that holds resets it.
   */
  #quietWindows = 1;

  constructor(limiter: RateLimiter, configured: RateLimit | null, now: () => number) {
    this.#limiter = limiter;
    this.#configured = configured;
    this.#now = now;
    limiter.setCap(configured);
  }

  /**
   * The limit in force when refusals lowered it below the ceiling, else null: what is worth
   * keeping for the next process (the configured and announced limits come back by themselves).
   */
  get lowered(): RateLimit | null {
    const current = this.#limiter.limit;
    const ceiling = this.ceiling;
    if (!current || !ceiling || current.perMs !== ceiling.perMs) return null;
    return current.requests < ceiling.requests ? current : null;
  }

  /** The highest limit we may raise to: the server's announced one, else the configured one. */
  get ceiling(): RateLimit | null {
    return this.#announced ?? this.#configured;
  }

  /**
   * The server refused a call granted at `grantedAt` for its rate. Returns the window the refusal
   * is judged against, or null when no window is known (pacing off and nothing announced): then
   * only back-off helps. A call granted before the last lowering was sent under the old limit
   * (another worker's call in flight when the first refusal came back): it lowers nothing more.
   */
  throttled(grantedAt: number = this.#now()): number | null {
    const now = this.#now();
    this.#lastEvent = now;
    const current = this.#limiter.limit ?? this.ceiling;
    if (current === null) return null;
    if (grantedAt < this.#lastLowered) return current.perMs;
    if (now - this.#lastRaised < current.perMs) this.#quietWindows = Math.min(16, this.#quietWindows * 2);
    const accepted = this.#limiter.acceptedWithin(current.perMs);
    // Strictly lower: when the server accepted as many as we allow, someone else used the rest.
    const requests = Math.max(1, Math.min(accepted, current.requests - 1));
    if (this.#limiter.limit === null || requests < current.requests) {
      this.#limiter.setLimit({ ...current, requests });
      this.#lastLowered = now;
    }
    return current.perMs;
  }

  /** A call succeeded: after a full quiet window, give one step of capacity back. */
  succeeded(): void {
    const current = this.#limiter.limit;
    const ceiling = this.ceiling;
    if (current === null || ceiling === null || current.requests >= ceiling.requests) return;
    const now = this.#now();
    if (now - this.#lastEvent < current.perMs * this.#quietWindows) return;
    if (now - this.#lastRaised >= 2 * current.perMs * this.#quietWindows) this.#quietWindows = 1;
    const step = Math.max(1, Math.ceil(ceiling.requests / 10));
    this.#limiter.setLimit({ ...current, requests: Math.min(ceiling.requests, current.requests + step) });
    this.#lastEvent = now;
    this.#lastRaised = now;
  }

  /**
   * The server stated its limit (`X-RateLimit-Limit`, and `X-RateLimit-Window-Sec` when sent).
   * A new statement sets the limit directly; repeating the same one leaves a lowered rate alone.
   */
  announced(requests: number, windowMs: number | null): void {
    const perMs = windowMs ?? this.#limiter.limit?.perMs ?? this.#configured?.perMs ?? null;
    if (perMs === null || perMs <= 0 || requests < 1) return;
    const previous = this.#announced;
    if (previous && previous.requests === requests && previous.perMs === perMs) return;
    this.#announced = { requests, perMs };
    this.#limiter.setLimit(this.ceiling);
  }
}
