import { errorCodes, isPostureSyncError, type SecretRedactor, truncateEcho } from '@posturesync/core';
import type { Colors } from './color.ts';
import { terminalText } from './terminal-text.ts';

/** Label for errors that are not PostureSyncErrors (bugs); they exit with code 1. */
export const internalErrorCode = errorCodes.unexpected;

export interface ErrorReport {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

export function describeError(error: unknown, redactor: SecretRedactor): ErrorReport {
  if (isPostureSyncError(error)) {
    return {
      code: error.code,
      // Redact first, then cut: a message may echo a huge title prefix or cell (issue 13).
      message: truncateEcho(redactor.redact(error.message), 2000),
      details: redactor.redactValue(error.details),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: internalErrorCode,
    message: redactor.redact(
      `unexpected error: ${message} (please report this with --log-level debug output)`,
    ),
    details: redactor.redactValue({ name: error instanceof Error ? error.name : typeof error }),
  };
}

/** `error [PS_ERR_X]: message`, or one JSON log line with details under --json. */
export function formatErrorReport(
  report: ErrorReport,
  options: { json: boolean; colors: Colors; now: Date; stack?: string | undefined },
): string {
  if (options.json) {
    return JSON.stringify({
      time: options.now.toISOString(),
      level: 'error',
      message: report.message,
      code: report.code,
      details: report.details,
    });
  }
  const head = `${options.colors.red('error')} [${terminalText(report.code)}]: ${terminalText(report.message)}`;
  return options.stack ? `${head}\n${options.colors.dim(terminalText(options.stack))}` : head;
}
