import type { Dispatcher } from 'undici';
import type { Logger } from '../log/logger.ts';
import type { SecretRedactor } from '../log/redact.ts';
import type { RateWindowKey, RateWindowStore } from './rate-window-store.ts';
import type { ResponseClassifier } from './response-classifier.ts';
import type { ResponseLimits } from './response-deadline.ts';
import type { Sleep } from './sleep.ts';
import type {
  AuthHook,
  HttpClient,
  HttpClientMetrics,
  HttpTimeouts,
  RateLimit,
  RetryPolicy,
} from './types.ts';

export interface HttpClientOptions {
  baseUrl: string;
  /** Defaults: connect 30 s, headers 180 s, body (idle between chunks) 180 s. */
  timeouts?: Partial<HttpTimeouts>;
  /** Defaults: 5 retries, 1 s base delay, 60 s maximum back-off. */
  retry?: Partial<RetryPolicy>;
  /** Calls running at once, counted until each body is consumed; default 2. */
  maxConcurrency?: number;
  /** Client-side request-rate limit; default null (off). */
  rateLimit?: RateLimit | null;
  auth?: AuthHook;
  defaultHeaders?: Record<string, string>;
  /** Verify the server's TLS certificate; default true. */
  rejectUnauthorized?: boolean;
  /**
   * An undici dispatcher to send through instead of the client's own keep-alive pool: a
   * `ProxyAgent` for an HTTP proxy, a `MockAgent` in tests. The caller configures its connect
   * timeout and TLS (`rejectUnauthorized` then does nothing) and closes it; `close()` leaves it open.
   */
  dispatcher?: Dispatcher;
  userAgent?: string;
  redactor: SecretRedactor;
  logger: Logger;
  metrics: HttpClientMetrics;
  /** Cancels every call made through this client. */
  signal?: AbortSignal;
  /** Sleep used for back-off and server-mandated waits (injectable for tests). */
  sleep?: Sleep;
  /** Jitter source in [0, 1); injectable for tests. */
  random?: () => number;
  /** Wall clock for server-mandated pauses and `Retry-After` dates; injectable for tests. */
  now?: () => number;
  /**
   * Longest server-mandated wait (Retry-After, or what the response classifier reads) the client
   * sits out; a longer one fails at once with RateLimitedError saying when to retry. Default 15 min.
   */
  maxServerWaitMs?: number;
  /** Largest body `text()`/`json()`/`bytes()` will buffer (default 256 MiB); stream `body` for bulk data. */
  maxBufferedBytes?: number;
  /** Whole-body bounds on every response: total time and bytes (defaults 4 h, 32 GiB). See response-deadline.ts. */
  responseLimits?: Partial<ResponseLimits>;
  /**
   * Total time the client sits out server throttling (429, or a limit the classifier recognises) before it
   * fails; those waits never count against `retry.maxRetries`. Default 30 min.
   */
  maxThrottleWaitMs?: number;
  /**
   * The last sentence of the error raised when the throttling budget is spent: what the user can
   * change, naming options that exist in their configuration. Connectors set it.
   */
  throttleHint?: string;
  /** Who throttles, for messages and progress ("waiting for the Qualys rate limit"); default "server". */
  serviceName?: string;
  /**
   * The source's protocol beyond HTTP (error envelopes, limit headers, "try later" codes); default
   * HTTP only. Connectors of one vendor share one (e.g. `qualysResponseClassifier`).
   */
  responseClassifier?: ResponseClassifier;
  /** Keeps the rate window between processes (see `RateWindowStore`). */
  rateWindow?: { store: RateWindowStore; key: RateWindowKey };
  /** Told every time the server throttles and the client starts waiting (for live progress). */
  onThrottleWait?: (wait: ThrottleWait) => void;
}

/** One server-mandated wait, as reported to `onThrottleWait`. */
export interface ThrottleWait {
  label: string;
  status: number;
  limit: 'rate' | 'concurrency';
  waitMs: number;
  until: Date;
  service: string;
}

/** A snapshot of the limits the client currently applies (configured or announced by the server). */
export interface HttpClientLimits {
  concurrencyLimit: number;
  active: number;
  waiting: number;
  /** New calls wait until then because the server said the rate window is used up. */
  pausedUntil: Date | null;
  /** The request-rate limit in force (configured, announced by the server or learned), or null. */
  rateLimit: RateLimit | null;
  /** Throttle answers met and the time spent waiting them out. */
  throttleWaits: number;
  throttleWaitMs: number;
}

export interface ManagedHttpClient extends HttpClient {
  limits(): HttpClientLimits;
}

export const defaultHttpTimeouts: Readonly<HttpTimeouts> = Object.freeze({
  connectMs: 30_000,
  headersMs: 180_000,
  bodyMs: 180_000,
});
