import type { HttpClientMetrics, Logger } from '@posturesync/core';
import { TransientError, withRetry } from '@posturesync/core';
import { MalformedJsonBodyError } from './pcrs-api.ts';
import { MalformedPostureBodyError } from './posture-call.ts';

/** A body that is not valid JSON is refetched this many times before the sync fails. */
export const maxMalformedBodyRetries = 2;

export interface RetryCallOptions {
  label: string;
  maxRetries: number;
  signal: AbortSignal;
  logger: Logger;
  metrics: HttpClientMetrics;
}

/**
 * Retries a whole call (request plus body). Failures before the body are already retried by the
 * HTTP client, so only what it cannot see is retried here: a body that broke off, an error
 * envelope sent with HTTP 200, or (a limited number of times) a body that did not parse.
 */
export async function retryWholeCall<T>(operation: () => Promise<T>, options: RetryCallOptions): Promise<T> {
  let malformed = 0;
  return await withRetry(operation, {
    policy: { maxRetries: options.maxRetries },
    signal: options.signal,
    isRetryable: (error) =>
      error instanceof MalformedPostureBodyError || error instanceof MalformedJsonBodyError
        ? ++malformed <= maxMalformedBodyRetries
        : error instanceof TransientError && error.phase === 'body',
    onRetry: (error, attempt, delayMs) => {
      options.metrics.retries++;
      options.logger.warn(
        `${options.label}: retrying the whole call (attempt ${attempt + 1}) in ${delayMs} ms`,
        {
          error: error instanceof Error ? error.message : String(error),
        },
      );
    },
  });
}
