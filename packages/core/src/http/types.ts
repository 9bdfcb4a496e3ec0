import type { Readable } from 'node:stream';

/** Counters shared by the HTTP client and the sync engine; recorded on each sync run. */
export interface HttpClientMetrics {
  requests: number;
  retries: number;
  /** Times a call waited for a rate or concurrency limit (ours or the server's). */
  rateLimitWaits: number;
  rateLimitWaitMs: number;
  /**
   * Times the server throttled a call (429, Qualys 409 1960/1965) and the time the client waited
   * for it: slow-downs, not failures, so they are counted apart from `retries`.
   */
  throttledWaits: number;
  throttledWaitMs: number;
  bytesReceived: number;
}

export function createMetrics(): HttpClientMetrics {
  return {
    requests: 0,
    retries: 0,
    rateLimitWaits: 0,
    rateLimitWaitMs: 0,
    throttledWaits: 0,
    throttledWaitMs: 0,
    bytesReceived: 0,
  };
}

export interface HttpTimeouts {
  /** TCP + TLS connect. */
  connectMs: number;
  /** Until response headers arrive. */
  headersMs: number;
  /** Longest silence between body chunks (the "read timeout"); default 3 minutes. */
  bodyMs: number;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  /** Path relative to the client's base URL; may carry a query string. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** POST is retried only when the caller marks it safe to replay. GET always is. */
  idempotent?: boolean;
  /** Statuses the caller handles itself; they are returned instead of thrown (e.g. 204, 400, 404). */
  acceptStatus?: readonly number[];
  timeouts?: Partial<HttpTimeouts>;
  signal?: AbortSignal;
  /** Short name for logs and errors, e.g. `postureInfo policy 123`. */
  label?: string;
  /** Skip the auth hook (for the login call itself). */
  skipAuth?: boolean;
  /** Skip the client-side rate limiter (for calls the server exempts, e.g. `/auth`). */
  skipRateLimit?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  /** The raw body stream. Consume it or call `dump()`. */
  body: Readable;
  text(): Promise<string>;
  json<T = unknown>(): Promise<T>;
  bytes(): Promise<Buffer>;
  /** Discards the body so the socket returns to the pool. */
  dump(): Promise<void>;
}

/**
 * Authentication hook. `apply` adds credentials to a request's headers; `refresh` is called
 * once after a 401 and must make the next `apply` use new credentials (the request is then
 * rebuilt, so the retry never carries the stale token).
 */
export interface AuthHook {
  apply(headers: Record<string, string>): Promise<void> | void;
  refresh(reason: AuthRefreshReason): Promise<void>;
}

/**
 * Why the client asks for a refresh. `requestHeaders` are the (lower-cased) headers the rejected
 * attempt carried, so a hook shared by concurrent calls can tell "my current token was rejected"
 * (refresh) from "an older token was rejected and I already replaced it" (nothing to do). That is
 * how concurrent 401s avoid a refresh stampede.
 */
export interface AuthRefreshReason {
  status: number;
  body: string;
  requestHeaders?: Readonly<Record<string, string>>;
}

export interface RetryPolicy {
  /** Attempts after the first; default 5. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface RateLimit {
  requests: number;
  perMs: number;
  /**
   * Safety gap added to each window against network jitter (the server counts arrivals, we count
   * sends). Default: 1% of the window, at least 50 ms (10% for windows under 500 ms), at most 250 ms.
   */
  marginMs?: number;
}

export interface HttpClient {
  request(request: HttpRequest): Promise<HttpResponse>;
  close(): Promise<void>;
}
