import { performance } from 'node:perf_hooks';
import { type Dispatcher, Pool } from 'undici';
import {
  AuthError,
  BadResponseError,
  ConfigError,
  isPostureSyncError,
  PermissionError,
  type PostureSyncError,
  RateLimitedError,
  TransientError,
} from '../errors/index.ts';
import type { Logger } from '../log/logger.ts';
import type { SecretRedactor } from '../log/redact.ts';
import { AdaptiveRate } from './adaptive-rate.ts';
import { backoffDelay, resolveRetryPolicy } from './backoff.ts';
import { bodyLimitErrors } from './body-limit-errors.ts';
import { ConcurrencyLimiter, type Release } from './concurrency-limiter.ts';
import { createHttpResponse, readExcerpt } from './http-response.ts';
import { classifyNetworkError, type NetworkFailure } from './network-error.ts';
import { RateLimiter, type RateTicket } from './rate-limiter.ts';
import { RateWindowRecorder } from './rate-window-recorder.ts';
import type { RateWindowKey, RateWindowStore } from './rate-window-store.ts';
import { parseBaseUrl, requestTarget } from './request-target.ts';
import { httpOnlyClassifier, type ResponseClassifier } from './response-classifier.ts';
import { defaultResponseLimits, type ResponseLimits } from './response-deadline.ts';
import { parseRetryAfter } from './retry-after.ts';
import { cancelledFrom, defaultSleep, type Sleep, throwIfAborted } from './sleep.ts';
import { defaultMaxThrottleWaitMs, ThrottleBudget } from './throttle-budget.ts';
import type {
  AuthHook,
  HttpClient,
  HttpClientMetrics,
  HttpRequest,
  HttpResponse,
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

const defaultMaxServerWaitMs = 15 * 60_000;
const excerptLength = 300;

interface CallContext {
  method: string;
  path: string;
  label: string;
}

type StatusOutcome =
  | { kind: 'refresh-auth' }
  | { kind: 'limit'; limit: 'rate' | 'concurrency'; waitMs: number | null }
  | { kind: 'server-error'; waitMs: number | null }
  | { kind: 'fail'; error: PostureSyncError };

/**
 * Creates the HTTP client every connector uses: an undici keep-alive pool behind a concurrency
 * limiter and an optional request-rate limiter, with retries, server limit handling, auth refresh
 * and secret redaction. See `README.md` in this folder for the options and every error raised.
 */
export function createHttpClient(options: HttpClientOptions): ManagedHttpClient {
  const { redactor, logger, metrics } = options;
  const base = parseBaseUrl(options.baseUrl);
  const host = new URL(options.baseUrl).host;
  const timeouts: HttpTimeouts = { ...defaultHttpTimeouts, ...options.timeouts };
  const policy = resolveRetryPolicy(options.retry);
  const maxConcurrency = Math.max(1, Math.floor(options.maxConcurrency ?? 2));
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const maxServerWaitMs = options.maxServerWaitMs ?? defaultMaxServerWaitMs;
  const responseLimits: ResponseLimits = { ...defaultResponseLimits, ...options.responseLimits };
  const now = options.now ?? Date.now;
  const userAgent = options.userAgent ?? 'posturesync';
  const concurrency = new ConcurrencyLimiter(maxConcurrency);
  const serviceName = options.serviceName ?? 'server';
  const classifier = options.responseClassifier ?? httpOnlyClassifier;
  const provider = options.serviceName ?? 'the service provider';
  /** "Qualys may be in maintenance" / "The server may be ...". */
  const serviceSubject = options.serviceName ?? 'the server';
  // One limiter always exists: without a configured limit it still carries server pauses, the
  // fair queue (a refused request goes first) and any limit the server announces or we learn.
  // An injected sleep without an injected clock (tests, benchmarks) replaces real waiting: the
  // limiter's clock then moves on by what was "slept", or a pause would never end.
  let sleptVirtually = 0;
  const limiterNow = options.now ?? (() => performance.timeOrigin + performance.now() + sleptVirtually);
  const limiterSleep: Sleep =
    options.sleep && !options.now
      ? async (ms, signal) => {
          await sleep(ms, signal);
          sleptVirtually += Math.max(0, ms);
        }
      : sleep;
  const rateLimiter = new RateLimiter(options.rateLimit ?? null, { now: limiterNow, sleep: limiterSleep });
  const adaptive = new AdaptiveRate(rateLimiter, options.rateLimit ?? null, limiterNow);
  const budget = new ThrottleBudget(options.maxThrottleWaitMs ?? defaultMaxThrottleWaitMs);
  let consecutiveThrottles = 0;
  const recorder = options.rateWindow
    ? new RateWindowRecorder({
        ...options.rateWindow,
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
  const registeredSecrets = new Set<string>();

  const pool = new Pool(base.origin, {
    // One spare connection so calls exempt from the limiters (the login) never queue behind them.
    connections: maxConcurrency + 1,
    keepAliveTimeout: 10_000,
    headersTimeout: timeouts.headersMs,
    bodyTimeout: timeouts.bodyMs,
    connect: { timeout: timeouts.connectMs, rejectUnauthorized: options.rejectUnauthorized ?? true },
  });
  const dispatcher = pool.compose(notifySentInterceptor);

  const redactDetails = (details: Record<string, unknown>) => redactor.redactValue(details);
  // Redact first, then cut: a cut through a token would leave a prefix no rule recognises (issue 13).
  const excerpt = (body: string) => redactor.redact(body.replace(/\s+/g, ' ').trim()).slice(0, excerptLength);

  function registerSecret(value: string | undefined): void {
    if (!value || registeredSecrets.has(value)) return;
    registeredSecrets.add(value);
    redactor.add(value);
    const credential = /^\s*\S+\s+(\S+)\s*$/.exec(value)?.[1];
    if (credential) redactor.add(credential);
  }

  async function buildHeaders(request: HttpRequest): Promise<Record<string, string>> {
    const headers: Record<string, string> = {};
    const merge = (source: Record<string, string> | undefined) => {
      for (const [key, value] of Object.entries(source ?? {})) headers[key.toLowerCase()] = value;
    };
    merge(options.defaultHeaders);
    headers['user-agent'] = userAgent;
    merge(request.headers);
    if (options.auth && !request.skipAuth) {
      try {
        await options.auth.apply(headers);
      } catch (error) {
        if (isPostureSyncError(error)) throw error;
        throw new AuthError(redactor.redact(`Could not obtain credentials for ${host}: ${String(error)}`), {
          cause: error,
        });
      }
      for (const key of Object.keys(headers)) {
        const lower = key.toLowerCase();
        if (lower !== key) {
          headers[lower] = headers[key] ?? '';
          delete headers[key];
        }
      }
    }
    registerSecret(headers.authorization);
    registerSecret(headers.cookie);
    return headers;
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
    return paused === null ? null : new Date(now() + (paused - limiterNow()));
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

  function rateLimitTooLong(context: CallContext, waitMs: number): RateLimitedError {
    const until = new Date(now() + waitMs).toISOString();
    return new RateLimitedError(
      redactor.redact(
        `${context.label}: the ${serviceName} API limit is used up and the server asks to wait ${formatDuration(waitMs)} (until ${until}). Run the sync again after that time, or ask ${provider} to raise the subscription's API limits.`,
      ),
      { retryAfterMs: waitMs, details: redactDetails({ ...context, retryAfter: until, waitMs }) },
    );
  }

  /**
   * The server keeps throttling and waiting once more would overrun the throttling budget: say
   * how long we waited, how often, and what the user can change.
   */
  function throttleBudgetSpent(
    context: CallContext,
    status: number,
    limit: 'rate' | 'concurrency',
    waitMs: number,
  ): RateLimitedError {
    const hint =
      options.throttleHint ??
      'Raise the throttling budget or lower the request rate, or run when other tools are not using the same subscription.';
    const waits = budget.waits;
    return new RateLimitedError(
      redactor.redact(
        `${context.label}: the ${serviceName} ${limit} limit kept refusing calls (HTTP ${status}). This run already waited ${formatDuration(budget.waitedMs)} for it over ${waits} throttle wait${waits === 1 ? '' : 's'}, and waiting ${formatDuration(waitMs)} more would exceed the throttling budget of ${formatDuration(budget.maxWaitMs)}. ${hint}`,
      ),
      {
        retryAfterMs: waitMs,
        details: redactDetails({
          ...context,
          status,
          limit,
          throttleWaits: waits,
          throttleWaitMs: Math.round(budget.waitedMs),
          maxThrottleWaitMs: budget.maxWaitMs,
        }),
      },
    );
  }

  function networkError(
    failure: NetworkFailure,
    error: unknown,
    context: CallContext,
    attempts: number,
    notReplayable: boolean,
  ): PostureSyncError {
    const details = redactDetails({ ...context, reason: failure.reason, errorCode: failure.code, attempts });
    if (failure.reason === 'tls') {
      const message = failure.certificate
        ? `Could not verify the TLS certificate of ${host} (${failure.code}). The certificate is not trusted by this machine: it is self-signed, expired, issued for another name, or replaced by a TLS-inspecting proxy. Add the issuing CA with NODE_EXTRA_CA_CERTS, or, only if you accept that traffic could be intercepted, set \`tlsVerify: false\` in the connector configuration.`
        : `The TLS handshake with ${host} failed (${failure.code}). Check that the URL uses https only for an HTTPS port and that no proxy interferes. If the server presents an untrusted certificate, see the \`tlsVerify: false\` option.`;
      return new ConfigError(redactor.redact(message), { cause: error, details });
    }
    if (failure.reason === 'invalid-request') {
      return new ConfigError(
        redactor.redact(
          `${context.label}: the request could not be built (${failure.code}): ${errorMessage(error)}. Check the configured URL and headers.`,
        ),
        { cause: error, details },
      );
    }
    const hint = {
      unreachable: `Check that ${host} is the right address for your ${serviceName === 'server' ? 'service' : `${serviceName} platform`} and that this machine can reach it (DNS, proxy, firewall).`,
      timeout: `The server did not answer in time (connect ${timeouts.connectMs} ms, headers ${timeouts.headersMs} ms, body idle ${timeouts.bodyMs} ms); ${serviceSubject} may be slow or overloaded. Try again later or raise the timeouts.`,
      reset: 'The connection was closed unexpectedly; try again later.',
      network: 'Try again later.',
    }[failure.reason];
    const retriedNote = notReplayable
      ? ' It was not retried because this POST is not marked safe to repeat.'
      : '';
    return new TransientError(
      redactor.redact(
        `${context.label} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${describeFailure(failure)}. ${hint}${retriedNote}`,
      ),
      { cause: error, details },
    );
  }

  function bodyError(error: unknown, context: CallContext, signal: AbortSignal | undefined): Error {
    if (signal?.aborted) return cancelledFrom(signal);
    if (isPostureSyncError(error)) return error;
    const failure = classifyNetworkError(error);
    return new TransientError(
      redactor.redact(
        `${context.label}: the response body was interrupted (${describeFailure(failure)}). The download can be retried from the start.`,
      ),
      {
        cause: error,
        details: redactDetails({
          ...context,
          reason: failure.reason,
          errorCode: failure.code,
          phase: 'body',
        }),
      },
    );
  }

  function classifyStatus(
    status: number,
    headers: Record<string, string>,
    body: string,
    context: CallContext,
    request: HttpRequest,
    refreshed: boolean,
    attempts: number,
  ): StatusOutcome {
    const reading = classifier.classify({ status, headers, body });
    const details = (extra: Record<string, unknown> = {}) =>
      redactDetails({
        ...context,
        status,
        attempts,
        ...reading.details,
        bodyExcerpt: excerpt(body),
        ...extra,
      });
    const serverSaid = body.trim() === '' ? '' : ` Server said: ${excerpt(body)}`;
    const waits = [parseRetryAfter(headers['retry-after'], now()), reading.waitMs].filter(
      (wait): wait is number => wait !== null,
    );
    const waitMs = waits.length === 0 ? null : Math.max(...waits);
    if (status === 401) {
      if (options.auth && !request.skipAuth && !refreshed) return { kind: 'refresh-auth' };
      const again = refreshed ? ' even after logging in again' : '';
      return {
        kind: 'fail',
        error: new AuthError(
          redactor.redact(
            `${context.label}: the server rejected the credentials (HTTP 401${again}). Check the username and password and that the account is allowed to use the API.${serverSaid}`,
          ),
          { details: details() },
        ),
      };
    }
    if (status === 403) {
      return {
        kind: 'fail',
        error: new PermissionError(
          redactor.redact(
            `${context.label}: access denied (HTTP 403). The account signed in but lacks permission for this API; check that it has API access and the Policy Compliance module.${serverSaid}`,
          ),
          { details: details() },
        ),
      };
    }
    if (status === 429) return { kind: 'limit', limit: 'rate', waitMs };
    const verdict = reading.verdict;
    if (verdict?.kind === 'limit') return { kind: 'limit', limit: verdict.limit, waitMs };
    if (verdict?.kind === 'refused') {
      return {
        kind: 'fail',
        error: new PermissionError(redactor.redact(`${context.label}: ${verdict.message}`), {
          details: details(),
        }),
      };
    }
    if (status >= 500) return { kind: 'server-error', waitMs };
    const said = reading.summary === null ? serverSaid : ` ${reading.summary}`;
    return {
      kind: 'fail',
      error: new BadResponseError(
        redactor.redact(`${context.label}: unexpected HTTP ${status} from ${host}.${said}`),
        { details: details() },
      ),
    };
  }

  async function request(request: HttpRequest): Promise<HttpResponse> {
    const signal = combineSignals(options.signal, request.signal);
    const target = requestTarget(base, request);
    const context: CallContext = {
      method: request.method,
      path: redactor.redact(target),
      label: redactor.redact(request.label ?? `${request.method} ${target}`),
    };
    const replayable = request.method === 'GET' || request.idempotent === true;
    const headersTimeout = request.timeouts?.headersMs ?? timeouts.headersMs;
    const bodyTimeout = request.timeouts?.bodyMs ?? timeouts.bodyMs;
    let retries = 0;
    let refreshed = false;
    let priority = false;
    // A refused request keeps its concurrency slot through the wait, so no later request can
    // take it and go first when the window reopens.
    let heldSlot: Release | null = null;

    const retryAfter = async (delayMs: number, why: string, attempt: number, selfSleep: boolean) => {
      retries++;
      metrics.retries++;
      logger.warn(`Retrying ${context.label} after ${why} in ${formatDuration(delayMs)}`, {
        ...context,
        reason: why,
        waitMs: delayMs,
        attempt,
        retry: retries,
        maxRetries: policy.maxRetries,
      });
      if (selfSleep) await sleep(delayMs, signal);
    };

    for (let attempt = 1; ; attempt++) {
      throwIfAborted(signal);
      const { release, ticket } = await acquireSlot(request, context, signal, priority, heldSlot);
      priority = false;
      heldSlot = null;
      let headers: Record<string, string>;
      try {
        headers = await buildHeaders(request);
      } catch (error) {
        ticket.cancel();
        release();
        throw error;
      }
      metrics.requests++;
      const started = performance.now();
      let raw: Dispatcher.ResponseData<SentOpaque>;
      try {
        raw = await dispatcher.request({
          path: target,
          method: request.method,
          headers,
          body: request.body ?? null,
          headersTimeout,
          bodyTimeout,
          opaque: { onSent: ticket.sent } satisfies SentOpaque,
          ...(signal ? { signal } : {}),
        });
      } catch (error) {
        release();
        const failure = classifyNetworkError(error);
        if (failure.notSent) ticket.cancel();
        else ticket.sent();
        if (signal?.aborted) throw cancelledFrom(signal);
        logger.debug('HTTP request failed', {
          ...context,
          attempt,
          errorCode: failure.code,
          ms: Math.round(performance.now() - started),
        });
        const mayRetry = failure.retryable && (replayable || failure.notSent);
        if (mayRetry && retries < policy.maxRetries) {
          await retryAfter(
            backoffDelay(retries + 1, policy, random),
            describeFailure(failure),
            attempt,
            true,
          );
          continue;
        }
        throw networkError(failure, error, context, attempt, failure.retryable && !mayRetry);
      }

      ticket.sent();
      const status = raw.statusCode;
      const responseHeaders = normalizeHeaders(raw.headers);
      for (const cookie of (responseHeaders['set-cookie'] ?? '').split(/,\s*(?=[^;,=\s]+=)/)) {
        registerSecret(cookie.split(';')[0]?.split('=').slice(1).join('='));
      }
      logger.debug('HTTP response', {
        ...context,
        status,
        attempt,
        ms: Math.round(performance.now() - started),
      });
      observeLimits(responseHeaders, status);
      const mayThrottle = (status === 429 || status === 409) && !request.acceptStatus?.includes(status);
      const response = createHttpResponse({
        status,
        headers: responseHeaders,
        source: raw.body,
        metrics,
        mapError: (error) => bodyError(error, context, signal),
        tooLarge: (limit) =>
          new BadResponseError(
            `${context.label}: the response body is larger than ${limit} bytes, far more than this call ever returns; refusing to buffer it.`,
            { details: redactDetails({ ...context, status, limitBytes: limit }) },
          ),
        ...(options.maxBufferedBytes === undefined ? {} : { maxBufferedBytes: options.maxBufferedBytes }),
        invalidJson: (text, cause) =>
          new BadResponseError(
            redactor.redact(
              `${context.label}: the response is not valid JSON (starts with: ${excerpt(text)}).`,
            ),
            { cause, details: redactDetails({ ...context, status, bodyExcerpt: excerpt(text) }) },
          ),
        // Possibly a throttle answer: its slot is released below unless it is kept for the retry.
        onDone: mayThrottle ? () => {} : release,
        limits: responseLimits,
        overLimit: bodyLimitErrors(context, status, redactor),
      });
      if (status >= 200 && status < 300) {
        consecutiveThrottles = 0;
        adaptive.succeeded();
      }
      if ((status >= 200 && status < 300) || request.acceptStatus?.includes(status)) return response;

      let body: string;
      try {
        body = await readExcerpt(response);
      } catch (error) {
        if (mayThrottle) release();
        throw error;
      }
      if (signal?.aborted) {
        if (mayThrottle) release();
        throw cancelledFrom(signal);
      }
      const outcome = classifyStatus(status, responseHeaders, body, context, request, refreshed, attempt);
      if (mayThrottle) {
        if (outcome.kind === 'limit') heldSlot = release;
        else release();
      }
      if (outcome.kind === 'fail') throw outcome.error;
      if (outcome.kind === 'refresh-auth') {
        refreshed = true;
        try {
          await options.auth?.refresh({ status, body, requestHeaders: headers });
        } catch (error) {
          if (isPostureSyncError(error)) throw error;
          throw new AuthError(
            redactor.redact(
              `${context.label}: logging in again after HTTP 401 failed: ${errorMessage(error)}`,
            ),
            { cause: error, details: redactDetails({ ...context, status }) },
          );
        }
        metrics.retries++;
        logger.warn(`Retrying ${context.label} with refreshed credentials after HTTP 401`, {
          ...context,
          attempt,
        });
        continue;
      }
      if (outcome.kind === 'limit') {
        // Throttling is not failure: wait it out without touching maxRetries; only the total
        // throttling budget ends it.
        ticket.refused();
        priority = true;
        const { limit } = outcome;
        const windowMs =
          limit === 'rate' && !request.skipRateLimit ? adaptive.throttled(ticket.grantedAt) : null;
        let waitMs = outcome.waitMs ?? 0;
        if (waitMs <= 0) {
          // The server named no time: the (now lowered) window says when a slot frees, else back off.
          consecutiveThrottles++;
          const windowWait = windowMs === null ? 0 : rateLimiter.nextDelayMs;
          waitMs = windowWait > 0 ? windowWait : throttleBackoff(consecutiveThrottles, policy);
        }
        const giveUp = <T>(error: T): T => {
          heldSlot?.();
          heldSlot = null;
          return error;
        };
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
          options.onThrottleWait?.({
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
        continue;
      }
      // 5xx
      const excerptText = excerpt(body);
      const exhausted = !replayable || retries >= policy.maxRetries;
      if (!exhausted && (outcome.waitMs === null || outcome.waitMs <= maxServerWaitMs)) {
        const delayMs = Math.max(backoffDelay(retries + 1, policy, random), outcome.waitMs ?? 0);
        await retryAfter(delayMs, `HTTP ${status}`, attempt, true);
        continue;
      }
      const notReplayable = !replayable
        ? ' It was not retried because this POST is not marked safe to repeat.'
        : '';
      throw new TransientError(
        redactor.redact(
          `${context.label} failed after ${attempt} attempt${attempt === 1 ? '' : 's'}: the server answered HTTP ${status}${excerptText ? ` (${excerptText})` : ''}. ${serviceSubject.replace(/^t/, 'T')} may be in maintenance or overloaded; try again later.${notReplayable}`,
        ),
        {
          details: redactDetails({
            ...context,
            reason: 'server-error',
            status,
            attempts: attempt,
            bodyExcerpt: excerptText,
            ...(outcome.waitMs === null ? {} : { retryAfterMs: outcome.waitMs }),
          }),
        },
      );
    }
  }

  return {
    request,
    async close() {
      recorder?.close();
      // A body nobody consumed would keep a graceful close waiting forever: give it a moment.
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), 2000);
      });
      const outcome = await Promise.race([pool.close(), timedOut]);
      clearTimeout(timer);
      if (outcome === 'timeout') await pool.destroy();
    },
    limits() {
      return {
        concurrencyLimit: concurrency.limit,
        active: concurrency.active,
        waiting: concurrency.waiting,
        pausedUntil: pausedUntilDate(),
        rateLimit: rateLimiter.limit,
        throttleWaits: budget.waits,
        throttleWaitMs: budget.waitedMs,
      };
    },
  };
}

const noTicket: RateTicket = {
  waitedMs: 0,
  grantedAt: Number.NEGATIVE_INFINITY,
  sent: () => {},
  cancel: () => {},
  refused: () => {},
};

/**
 * Wait after a throttle answer that named no time and no known window: doubles from the base
 * delay, without jitter (every caller pauses together and the refused one goes first, so there
 * is no herd to spread), capped at the back-off maximum.
 */
export function throttleBackoff(consecutive: number, policy: RetryPolicy): number {
  const exponent = Math.min(30, Math.max(0, consecutive - 1));
  // Never 0: throttle waits do not count as retries, so a zero wait could spin against the server.
  return Math.max(100, Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent));
}

interface SentOpaque {
  onSent: () => void;
}

/**
 * Tells the rate limiter when a request was actually written to the socket (after any TCP/TLS
 * handshake), which is close to when the server starts counting it. undici passes the request
 * options, including `opaque`, to interceptors; handler methods are forwarded unchanged.
 */
const notifySentInterceptor: Dispatcher.DispatcherComposeInterceptor = (dispatch) => (opts, handler) => {
  const onSent = (opts as { opaque?: Partial<SentOpaque> }).opaque?.onSent;
  if (!onSent) return dispatch(opts, handler);
  const notifying = new Proxy(handler, {
    get(target, property) {
      if (property === 'onRequestSent') {
        return () => {
          onSent();
          return target.onRequestSent?.();
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return dispatch(opts, notifying);
};

function combineSignals(...signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
  const present = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  if (present.length <= 1) return present[0];
  return AbortSignal.any(present);
}

function normalizeHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    result[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return result;
}

function describeFailure(failure: NetworkFailure): string {
  const what = {
    unreachable: 'the server could not be reached',
    timeout: 'the server timed out',
    reset: 'the connection was reset',
    tls: 'the TLS handshake failed',
    'invalid-request': 'the request was invalid',
    network: 'a network error occurred',
  }[failure.reason];
  return failure.code ? `${what} (${failure.code})` : what;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
