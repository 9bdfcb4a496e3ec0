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
import type { SecretRedactor } from '../log/redact.ts';
import { formatDuration } from './format-duration.ts';
import { classifyNetworkError, type NetworkFailure } from './network-error.ts';
import type { ResponseClassifier } from './response-classifier.ts';
import { parseRetryAfter } from './retry-after.ts';
import { cancelledFrom } from './sleep.ts';
import type { ThrottleBudget } from './throttle-budget.ts';
import type { HttpRequest, HttpTimeouts } from './types.ts';

const excerptLength = 300;

export interface CallContext {
  method: string;
  path: string;
  label: string;
}

export type StatusOutcome =
  | { kind: 'refresh-auth' }
  | { kind: 'limit'; limit: 'rate' | 'concurrency'; waitMs: number | null }
  | { kind: 'server-error'; waitMs: number | null }
  | { kind: 'fail'; error: PostureSyncError };

export interface ClientErrorSettings {
  host: string;
  timeouts: HttpTimeouts;
  /** As configured: undefined means "the server" in messages. */
  serviceName: string | undefined;
  throttleHint: string | undefined;
  hasAuth: boolean;
  redactor: SecretRedactor;
  classifier: ResponseClassifier;
  budget: ThrottleBudget;
  now: () => number;
}

/**
 * The HTTP client's answer layer: what a refused response means (`classifyStatus`, HTTP rules
 * plus the source's `ResponseClassifier`) and every error the client raises, each naming the
 * request, redacted, with a stable code.
 */
export function createClientErrors(settings: ClientErrorSettings) {
  const { host, timeouts, throttleHint, hasAuth, redactor, classifier, budget, now } = settings;
  const serviceName = settings.serviceName ?? 'server';
  const provider = settings.serviceName ?? 'the service provider';
  /** "Qualys may be in maintenance" / "The server may be ...". */
  const serviceSubject = settings.serviceName ?? 'the server';
  const redactDetails = (details: Record<string, unknown>) => redactor.redactValue(details);
  // Redact first, then cut: a cut through a token would leave a prefix no rule recognises (issue 13).
  const excerpt = (body: string) => redactor.redact(body.replace(/\s+/g, ' ').trim()).slice(0, excerptLength);

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
      throttleHint ??
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
        phase: 'body',
        details: redactDetails({ ...context, reason: failure.reason, errorCode: failure.code }),
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
      if (hasAuth && !request.skipAuth && !refreshed) return { kind: 'refresh-auth' };
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

  return {
    redactDetails,
    excerpt,
    serviceSubject,
    rateLimitTooLong,
    throttleBudgetSpent,
    networkError,
    bodyError,
    classifyStatus,
  };
}

export function describeFailure(failure: NetworkFailure): string {
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

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
