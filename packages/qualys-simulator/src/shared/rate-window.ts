/** A sliding-window call counter ("N calls in any window of perMs"). */
export class RateWindow {
  readonly limit: number;
  readonly windowMs: number;
  #calls: number[] = [];

  constructor(limit: number, windowMs: number) {
    this.limit = limit;
    this.windowMs = windowMs;
  }

  #prune(now: number): void {
    const cutoff = now - this.windowMs;
    let drop = 0;
    while (drop < this.#calls.length && (this.#calls[drop] ?? 0) <= cutoff) drop++;
    if (drop > 0) this.#calls.splice(0, drop);
  }

  /** Records a call if the limit allows it; returns whether it was allowed. */
  tryTake(now: number): boolean {
    this.#prune(now);
    if (this.#calls.length >= this.limit) return false;
    this.#calls.push(now);
    return true;
  }

  remaining(now: number): number {
    this.#prune(now);
    return Math.max(0, this.limit - this.#calls.length);
  }

  /** Seconds until the next call would be allowed (0 when one is allowed now). */
  secondsToWait(now: number): number {
    this.#prune(now);
    if (this.#calls.length < this.limit) return 0;
    const oldest = this.#calls[0] ?? now;
    return Math.max(1, Math.ceil((oldest + this.windowMs - now) / 1000));
  }

  reset(): void {
    this.#calls = [];
  }
}
