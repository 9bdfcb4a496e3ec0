import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { AuthError, BadResponseError, isPostureSyncError, TransientError } from '../errors/index.ts';
import { backoffDelay, resolveRetryPolicy } from './backoff.ts';
import { bodyLimitErrors } from './body-limit-errors.ts';
import { type CallContext, createClientErrors, describeFailure, errorMessage } from './client-errors.ts';
import type { Release } from './concurrency-limiter.ts';
import { createTransport } from './create-transport.ts';
import { formatDuration } from './format-duration.ts';
import {
  defaultHttpTimeouts,
  type HttpClientOptions,
  type ManagedHttpClient,
} from './http-client-options.ts';
import { createHttpResponse, readExcerpt } from './http-response.ts';
import { createLimitsLayer } from './limits-layer.ts';
import { classifyNetworkError } from './network-error.ts';
import { notifySentInterceptor, type SentOpaque } from './notify-sent-interceptor.ts';
import { combineSignals, normalizeHeaders } from './request-parts.ts';
import { parseBaseUrl, requestTarget } from './request-target.ts';
import { httpOnlyClassifier } from './response-classifier.ts';
import { defaultResponseLimits, type ResponseLimits } from './response-deadline.ts';
import { cancelledFrom, defaultSleep, throwIfAborted } from './sleep.ts';
import { defaultMaxThrottleWaitMs, ThrottleBudget } from './throttle-budget.ts';
import { createThrottleLayer } from './throttle-layer.ts';
import type { HttpRequest, HttpResponse, HttpTimeouts } from './types.ts';

const defaultMaxServerWaitMs = 15 * 60_000;

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
  const serviceName = options.serviceName ?? 'server';
  const classifier = options.responseClassifier ?? httpOnlyClassifier;
  const budget = new ThrottleBudget(options.maxThrottleWaitMs ?? defaultMaxThrottleWaitMs);
  const registeredSecrets = new Set<string>();

  const { transport, ownsTransport } = createTransport({
    origin: base.origin,
    dispatcher: options.dispatcher,
    maxConcurrency,
    timeouts,
    rejectUnauthorized: options.rejectUnauthorized ?? true,
  });
  const dispatcher = transport.compose(notifySentInterceptor);

  const {
    redactDetails,
    excerpt,
    serviceSubject,
    rateLimitTooLong,
    throttleBudgetSpent,
    networkError,
    bodyError,
    classifyStatus,
  } = createClientErrors({
    host,
    timeouts,
    serviceName: options.serviceName,
    throttleHint: options.throttleHint,
    hasAuth: options.auth !== undefined,
    redactor,
    classifier,
    budget,
    now,
  });

  const limits = createLimitsLayer({
    maxConcurrency,
    rateLimit: options.rateLimit ?? null,
    rateWindow: options.rateWindow,
    now: options.now,
    sleep,
    sleepInjected: options.sleep !== undefined,
    wallClock: now,
    maxServerWaitMs,
    logger,
    metrics,
    classifier,
    rateLimitTooLong,
  });
  const { rateLimiter, adaptive, limiterNow, recordWait, pauseFor, observeLimits, acquireSlot } = limits;

  const throttle = createThrottleLayer({
    rateLimiter,
    adaptive,
    budget,
    policy,
    metrics,
    logger,
    serviceName,
    maxServerWaitMs,
    limiterNow,
    now,
    sleep,
    onThrottleWait: options.onThrottleWait,
    rateLimitTooLong,
    throttleBudgetSpent,
    recordWait,
    pauseFor,
  });

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
          origin: base.origin,
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
        throttle.succeeded();
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
        priority = true;
        const giveUp = <T>(error: T): T => {
          heldSlot?.();
          heldSlot = null;
          return error;
        };
        await throttle.waitOut({ ...outcome, context, request, ticket, status, attempt, signal, giveUp });
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
      limits.recorder?.close();
      if (!ownsTransport) return;
      // A body nobody consumed would keep a graceful close waiting forever: give it a moment.
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), 2000);
      });
      const outcome = await Promise.race([transport.close(), timedOut]);
      clearTimeout(timer);
      if (outcome === 'timeout') await transport.destroy();
    },
    limits() {
      return {
        concurrencyLimit: limits.concurrency.limit,
        active: limits.concurrency.active,
        waiting: limits.concurrency.waiting,
        pausedUntil: limits.pausedUntilDate(),
        rateLimit: rateLimiter.limit,
        throttleWaits: budget.waits,
        throttleWaitMs: budget.waitedMs,
      };
    },
  };
}

export { throttleBackoff } from './backoff.ts';
export { formatDuration } from './format-duration.ts';
export {
  defaultHttpTimeouts,
  type HttpClientLimits,
  type HttpClientOptions,
  type ManagedHttpClient,
  type ThrottleWait,
} from './http-client-options.ts';
