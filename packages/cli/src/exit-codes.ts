import { errorCodes, isPostureSyncError } from '@posturesync/core';

/**
 * Process exit codes. Scripts switch on these, so they are part of the public interface:
 * keep them stable and in sync with the README and the `--help` epilogue.
 */
export const exitCodes = {
  success: 0,
  internal: 1,
  usage: 2,
  auth: 3,
  partial: 4,
  failed: 5,
  lockHeld: 6,
  cancelled: 130,
} as const;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

const byErrorCode: Record<string, ExitCode> = {
  [errorCodes.config]: exitCodes.usage,
  [errorCodes.auth]: exitCodes.auth,
  [errorCodes.permission]: exitCodes.auth,
  [errorCodes.transient]: exitCodes.failed,
  [errorCodes.badResponse]: exitCodes.failed,
  [errorCodes.rateLimited]: exitCodes.failed,
  [errorCodes.store]: exitCodes.failed,
  [errorCodes.notFound]: exitCodes.failed,
  [errorCodes.lockHeld]: exitCodes.lockHeld,
  [errorCodes.cancelled]: exitCodes.cancelled,
};

/** Maps a stable error `code` (never a message) to an exit code; unknown codes are internal errors. */
export function exitCodeForErrorCode(code: string | null | undefined): ExitCode {
  if (code === null || code === undefined) return exitCodes.internal;
  return byErrorCode[code] ?? exitCodes.internal;
}

export function exitCodeForError(error: unknown): ExitCode {
  return isPostureSyncError(error) ? exitCodeForErrorCode(error.code) : exitCodes.internal;
}

/** Most serious first: when several connector instances ran, the worst outcome decides the exit code. */
const seriousness: readonly ExitCode[] = [
  exitCodes.cancelled,
  exitCodes.internal,
  exitCodes.usage,
  exitCodes.lockHeld,
  exitCodes.auth,
  exitCodes.failed,
  exitCodes.partial,
  exitCodes.success,
];

export function worstExitCode(codes: Iterable<ExitCode>): ExitCode {
  let worst: ExitCode = exitCodes.success;
  for (const code of codes) {
    if (seriousness.indexOf(code) < seriousness.indexOf(worst)) worst = code;
  }
  return worst;
}

export const exitCodeHelp = `Exit codes:
  0    success
  1    unexpected internal error
  2    usage or configuration error (PS_ERR_CONFIG)
  3    authentication or permission error (PS_ERR_AUTH, PS_ERR_PERMISSION)
  4    sync finished partially (records quarantined or warnings)
  5    sync failed (PS_ERR_TRANSIENT, PS_ERR_BAD_RESPONSE, PS_ERR_RATE_LIMITED, PS_ERR_STORE, PS_ERR_NOT_FOUND)
  6    another sync holds the database lock (PS_ERR_LOCK_HELD)
  130  cancelled (Ctrl-C, SIGTERM; PS_ERR_CANCELLED)
  With several connector instances the most serious outcome wins (130, 1, 2, 6, 3, 5, 4, 0).`;
