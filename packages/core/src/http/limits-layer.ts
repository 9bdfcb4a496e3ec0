import { performance } from 'node:perf_hooks';
import type { Logger } from '../log/logger.ts';
import { AdaptiveRate } from './adaptive-rate.ts';
import type { CallContext } from './client-errors.ts';
import { ConcurrencyLimiter, type Release } from './concurrency-limiter.ts';
import { RateLimiter, type RateTicket } from './rate-limiter.ts';
import { RateWindowRecorder } from './rate-window-recorder.ts';
import type { RateWindowKey, RateWindowStore } from './rate-window-store.ts';
import type { ResponseClassifier } from './response-classifier.ts';
import type { Sleep } from './sleep.ts';
import type { HttpClientMetrics, HttpRequest, RateLimit } from './types.ts';

export interface LimitsLayerSettings {
  maxConcurrency: number;
  rateLimit: RateLimit | null;
  rateWindow: { store: RateWindowStore; key: RateWindowKey } | undefined;
  /** The injected clock, if any (the limiter then runs on it). */
  now: (() => number) | undefined;
  sleep: Sleep;
  /** A test or benchmark injected `sleep`: without an injected clock, "slept" time moves the limiter's clock. */
  sleepInjected: boolean;
  /** Wall clock for dates shown to people. */
  wallClock: () => number;
  maxServerWaitMs: number;
  logger: Logger;
  metrics: HttpClientMetrics;
  classifier: ResponseClassifier;
  rateLimitTooLong: (context: CallContext, waitMs: number) => Error;
}

/**
 * The HTTP client's limits layer: the concurrency limiter and the request-rate limiter every call
 * passes, the adaptive rate, the rate window kept between processes, and what each response's
 * headers say about the limits (through the response classifier).
 */
export function createLimitsLayer(settings: LimitsLayerSettings) {
  const { maxConcurrency, sleep, wallClock, maxServerWaitMs, logger, metrics, classifier } = settings;
  const { rateLimitTooLong } = settings;
  const concurrency = new ConcurrencyLimiter(maxConcurrency);
  // One limiter always exists: without a configured limit it still carries server pauses, the
  // fair queue (a refused request goes first) and any limit the server announces or we learn.
  // An injected sleep without an injected clock (tests, benchmarks) replaces real waiting: the
  // limiter's clock then moves on by what was "slept", or a pause would never end.
  let sleptVirtually = 0;
  const limiterNow = settings.now ?? (() => performance.timeOrigin + performance.now() + sleptVirtually);
  const limiterSleep: Sleep =
    settings.sleepInjected && !settings.now
      ? async (ms, signal) => {
          await sleep(ms, signal);
          sleptVirtually += Math.max(0, ms);
        }
      : sleep;
  const rateLimiter = new RateLimiter(settings.rateLimit, { now: limiterNow, sleep: limiterSleep });
  const adaptive = new AdaptiveRate(rateLimiter, settings.rateLimit, limiterNow);
  const recorder = settings.rateWindow
    ? new RateWindowRecorder({
        ...settings.rateWindow,
        limiter: rateLimiter,
        now: limiterNow,
        logger,
        learnedLimit: () => adaptive.lowered,
      })
    : null;
  if (recorder) {
    recorder.load();
    rateLimiter.onChange = (kind) => recorder.changed(kind);
  }
  function observeLimits(headers: Record<string, string>, status: number): void {
    const hints = classifier.limitHints(headers);
    if (hints.rateLimit !== null) adaptive.announced(hints.rateLimit, hints.windowMs);
    // A refusal's "0 remaining" is handled by its wait; a success's count tells us about others.
    if (hints.remaining !== null && status >= 200 && status < 300)
      rateLimiter.alignRemaining(hints.remaining);
    if (hints.concurrencyLimit !== null) {
      const limit = Math.min(maxConcurrency, hints.concurrencyLimit);
      if (limit !== concurrency.limit) {
        logger.info('Adjusting concurrency to the server limit', { from: concurrency.limit, to: limit });
        concurrency.setLimit(limit);
      }
    }
    if (hints.pauseMs !== null) pauseFor(hints.pauseMs);
  }

  function pauseFor(ms: number): number {
    return rateLimiter.pauseUntil(limiterNow() + ms);
  }

  function pausedUntilDate(): Date | null {
    const paused = rateLimiter.pausedUntil;
    return paused === null ? null : new Date(wallClock() + (paused - limiterNow()));
  }

  function recordWait(ms: number): void {
    metrics.rateLimitWaits++;
    metrics.rateLimitWaitMs += Math.round(ms);
  }

  /**
   * Concurrency slot, then rate slot (which also sits out any server pause): the call is sent
   * right after. `priority`: the server refused this request, so it goes first in both queues.
   */
  async function acquireSlot(
    request: HttpRequest,
    context: CallContext,
    signal: AbortSignal | undefined,
    priority: boolean,
    heldSlot: Release | null,
  ): Promise<{ release: Release; ticket: RateTicket }> {
    if (request.skipRateLimit) return { release: () => {}, ticket: noTicket };
    let release: Release;
    if (heldSlot) release = heldSlot;
    else {
      const queuedAt = performance.now();
      const mustWait = concurrency.saturated;
      release = await concurrency.acquire(signal, priority);
      if (mustWait) recordWait(performance.now() - queuedAt);
    }
    try {
      const paused = rateLimiter.pausedUntil;
      if (paused !== null && paused - limiterNow() > maxServerWaitMs)
        throw rateLimitTooLong(context, paused - limiterNow());
      const ticket = await rateLimiter.acquire({ signal, priority });
      if (ticket.waitedMs >= 1) recordWait(ticket.waitedMs);
      return { release, ticket };
    } catch (error) {
      release();
      throw error;
    }
  }

  return {
    concurrency,
    rateLimiter,
    adaptive,
    recorder,
    limiterNow,
    observeLimits,
    pauseFor,
    pausedUntilDate,
    recordWait,
    acquireSlot,
  };
}

const noTicket: RateTicket = {
  waitedMs: 0,
  grantedAt: Number.NEGATIVE_INFINITY,
  sent: () => {},
  cancel: () => {},
  refused: () => {},
};
