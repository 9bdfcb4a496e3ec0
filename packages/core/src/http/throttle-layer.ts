import type { Logger } from '../log/logger.ts';
import type { AdaptiveRate } from './adaptive-rate.ts';
import { throttleBackoff } from './backoff.ts';
import type { CallContext } from './client-errors.ts';
import { formatDuration } from './format-duration.ts';
import type { ThrottleWait } from './http-client-options.ts';
import type { RateLimiter, RateTicket } from './rate-limiter.ts';
import type { Sleep } from './sleep.ts';
import type { ThrottleBudget } from './throttle-budget.ts';
import type { HttpClientMetrics, HttpRequest, RetryPolicy } from './types.ts';

export interface ThrottleLayerSettings {
  rateLimiter: RateLimiter;
  adaptive: AdaptiveRate;
  budget: ThrottleBudget;
  policy: RetryPolicy;
  metrics: HttpClientMetrics;
  logger: Logger;
  serviceName: string;
  maxServerWaitMs: number;
  limiterNow: () => number;
  now: () => number;
  sleep: Sleep;
  onThrottleWait: ((wait: ThrottleWait) => void) | undefined;
  rateLimitTooLong: (context: CallContext, waitMs: number) => Error;
  throttleBudgetSpent: (
    context: CallContext,
    status: number,
    limit: 'rate' | 'concurrency',
    waitMs: number,
  ) => Error;
  recordWait: (ms: number) => void;
  pauseFor: (ms: number) => number;
}

export interface ThrottleAnswer {
  limit: 'rate' | 'concurrency';
  /** What the server asked for (Retry-After or the classifier's reading), or null. */
  waitMs: number | null;
  context: CallContext;
  request: HttpRequest;
  ticket: RateTicket;
  status: number;
  attempt: number;
  signal: AbortSignal | undefined;
  /** Releases the slot the refused request holds, before an error ends it. */
  giveUp: <T>(error: T) => T;
}

/**
 * The HTTP client's throttling layer: a throttle answer (429, or a limit the response classifier
 * recognises) is a slow-down, not a failure. It is waited out without touching `maxRetries`;
 * only the throttling budget or a wait longer than `maxServerWaitMs` ends it. The wait pauses
 * every call through the client, because the limit is shared.
 */
export function createThrottleLayer(settings: ThrottleLayerSettings) {
  const { rateLimiter, adaptive, budget, policy, metrics, logger, serviceName, maxServerWaitMs } = settings;
  const { limiterNow, now, sleep, onThrottleWait, rateLimitTooLong, throttleBudgetSpent } = settings;
  const { recordWait, pauseFor } = settings;
  /** Throttle answers in a row that named no wait: their back-off doubles. */
  let consecutive = 0;

  return {
    /** A call succeeded: back-off starts over and the adaptive rate may rise again. */
    succeeded(): void {
      consecutive = 0;
      adaptive.succeeded();
    },

    async waitOut(input: ThrottleAnswer): Promise<void> {
      const { context, request, ticket, status, attempt, signal, giveUp } = input;
      // Throttling is not failure: wait it out without touching maxRetries; only the total
      // throttling budget ends it.
      ticket.refused();
      const { limit } = input;
      const windowMs =
        limit === 'rate' && !request.skipRateLimit ? adaptive.throttled(ticket.grantedAt) : null;
      let waitMs = input.waitMs ?? 0;
      if (waitMs <= 0) {
        // The server named no time: the (now lowered) window says when a slot frees, else back off.
        consecutive++;
        const windowWait = windowMs === null ? 0 : rateLimiter.nextDelayMs;
        waitMs = windowWait > 0 ? windowWait : throttleBackoff(consecutive, policy);
      }
      if (waitMs > maxServerWaitMs) throw giveUp(rateLimitTooLong(context, waitMs));
      const pausedNow = rateLimiter.pausedUntil ?? Number.NEGATIVE_INFINITY;
      const addedMs = Math.max(0, limiterNow() + waitMs - Math.max(limiterNow(), pausedNow));
      if (!budget.allows(addedMs)) throw giveUp(throttleBudgetSpent(context, status, limit, waitMs));
      budget.record(addedMs);
      metrics.throttledWaits++;
      metrics.throttledWaitMs += Math.round(addedMs);
      const until = new Date(now() + waitMs);
      logger.warn(
        `${context.label}: throttled by the ${serviceName} ${limit} limit (HTTP ${status}); waiting ${formatDuration(waitMs)}, then it goes first`,
        {
          ...context,
          status,
          limit,
          waitMs,
          attempt,
          throttleWaits: budget.waits,
          throttleWaitMs: Math.round(budget.waitedMs),
          rateLimit: rateLimiter.limit ?? undefined,
        },
      );
      try {
        onThrottleWait?.({
          label: context.label,
          status,
          limit,
          waitMs,
          until,
          service: serviceName,
        });
      } catch {
        // A progress display must never break a request.
      }
      if (request.skipRateLimit) {
        recordWait(waitMs);
        try {
          await sleep(waitMs, signal);
        } catch (error) {
          throw giveUp(error);
        }
      } else {
        // Every call through this client waits, not only this one: the limit is shared.
        pauseFor(waitMs);
      }
    },
  };
}
