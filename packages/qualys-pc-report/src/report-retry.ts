import { BadResponseError, type PostureSyncError, TransientError } from '@posturesync/core';
import { describePosition, type ReportPosition } from './report-records.ts';

export const defaultMaxReportAttempts = 3;

/**
 * Whether fetching and parsing a report again may succeed. Retried: a body that broke off or
 * timed out, 5xx answers that outlasted the HTTP client's own retries, and anything the report
 * body itself got wrong (truncated or malformed XML/CSV/zip, an empty file, a SIMPLE_RETURN
 * error sent with HTTP 200). Not retried: a 4xx answer (Qualys deliberately refused, e.g. an
 * unknown report ID), and auth, permission, not-found, config, rate-limit (the client already
 * waited those out) and cancel errors.
 */
export function isRetryableReportError(error: unknown): error is BadResponseError | TransientError {
  if (error instanceof TransientError) return true;
  if (!(error instanceof BadResponseError)) return false;
  const status = error.details.status;
  return !(typeof status === 'number' && status >= 400);
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function attemptsText(attempts: number): string {
  return `${attempts} attempt${attempts === 1 ? '' : 's'}`;
}

function sentence(message: string): string {
  const trimmed = message.trimEnd();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

function sameKind(
  error: BadResponseError | TransientError,
  message: string,
  details: Record<string, unknown>,
): PostureSyncError {
  const options = { cause: error, details: { ...error.details, ...details } };
  return error instanceof TransientError
    ? new TransientError(message, options)
    : new BadResponseError(message, options);
}

/** The warning logged before a report is fetched again. */
export function reportRetryWarning(
  reportId: string,
  failedAttempt: number,
  maxAttempts: number,
  delayMs: number,
  error: unknown,
): string {
  return `Policy report ${reportId}: attempt ${failedAttempt} of ${maxAttempts} failed (${reasonOf(error)}); fetching the report again from the start in ${delayMs} ms (rows already stored are rewritten, not duplicated).`;
}

/**
 * The error a report import ends with once its attempts are used up: the same class (so the
 * run's error code stays PS_ERR_BAD_RESPONSE or PS_ERR_TRANSIENT), its message naming the
 * report, where the last attempt stopped, and how many attempts were made.
 */
export function reportAttemptsExhausted(
  error: BadResponseError | TransientError,
  reportId: string,
  attempts: number,
  position: ReportPosition | null,
): PostureSyncError {
  const names = error.message.includes(`report ${reportId}`) ? '' : ` of policy report ${reportId}`;
  // Parser errors name their own position; a broken-off body is placed by the last record read.
  const placed = error.details.line !== undefined && error.details.line !== null;
  const where = position && !placed ? `; the last attempt stopped after ${describePosition(position)}` : '';
  const next = /already stored is kept/i.test(error.message)
    ? 'The next sync imports the report again.'
    : 'Data already stored is kept; the next sync imports the report again.';
  return sameKind(
    error,
    `${sentence(error.message)} The import${names} failed after ${attemptsText(attempts)}${where}. ${next}`,
    {
      reportId,
      attempts,
      ...(position && !placed ? { line: position.line, column: position.column } : {}),
    },
  );
}

/** The error reading the report list ends with once its attempts are used up. */
export function listAttemptsExhausted(
  error: BadResponseError | TransientError,
  attempts: number,
): PostureSyncError {
  return sameKind(
    error,
    `${sentence(error.message)} Reading the Qualys report list failed after ${attemptsText(attempts)}.`,
    { attempts },
  );
}
