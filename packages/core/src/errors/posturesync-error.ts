/**
 * Every error posturesync raises on purpose is a PostureSyncError with a stable string
 * `code` (undici-style). Scripts and the CLI's exit codes switch on `code`, never on the
 * message, so messages may improve without breaking anyone. See `errors/README.md`.
 */
export const errorCodes = {
  config: 'PS_ERR_CONFIG',
  auth: 'PS_ERR_AUTH',
  permission: 'PS_ERR_PERMISSION',
  rateLimited: 'PS_ERR_RATE_LIMITED',
  transient: 'PS_ERR_TRANSIENT',
  badResponse: 'PS_ERR_BAD_RESPONSE',
  cancelled: 'PS_ERR_CANCELLED',
  notFound: 'PS_ERR_NOT_FOUND',
  lockHeld: 'PS_ERR_LOCK_HELD',
  store: 'PS_ERR_STORE',
  /** Not raised as a class: recorded for errors that are not PostureSyncErrors (bugs). */
  unexpected: 'PS_ERR_UNEXPECTED',
  /** Not raised as a class: recorded on a run whose process died (kill -9, power loss). */
  processDied: 'PS_ERR_PROCESS_DIED',
} as const;

export type ErrorCode = (typeof errorCodes)[keyof typeof errorCodes];

export interface PostureSyncErrorOptions {
  cause?: unknown;
  /** Structured facts for logs and `--json` output. Must never hold secrets. */
  details?: Record<string, unknown>;
}

export class PostureSyncError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;
  /** Whether trying the same operation again later may succeed. */
  readonly retryable: boolean = false;

  constructor(code: ErrorCode, message: string, options: PostureSyncErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PostureSyncError';
    this.code = code;
    this.details = options.details ?? {};
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

/** Invalid or missing configuration: names the key and what was expected. */
export class ConfigError extends PostureSyncError {
  constructor(message: string, options?: PostureSyncErrorOptions) {
    super(errorCodes.config, message, options);
    this.name = 'ConfigError';
  }
}

/** The source rejected the credentials. */
export class AuthError extends PostureSyncError {
  constructor(message: string, options?: PostureSyncErrorOptions) {
    super(errorCodes.auth, message, options);
    this.name = 'AuthError';
  }
}

/** Credentials are valid but lack a module, role or API access. */
export class PermissionError extends PostureSyncError {
  constructor(message: string, options?: PostureSyncErrorOptions) {
    super(errorCodes.permission, message, options);
    this.name = 'PermissionError';
  }
}

/** The source's rate or concurrency limit was still in force after all retries. */
export class RateLimitedError extends PostureSyncError {
  override readonly retryable = true;
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options?: PostureSyncErrorOptions & { retryAfterMs?: number }) {
    super(errorCodes.rateLimited, message, options);
    this.name = 'RateLimitedError';
    this.retryAfterMs = options?.retryAfterMs;
  }
}

/** Network failure, timeout or 5xx that outlasted the retries. */
export class TransientError extends PostureSyncError {
  override readonly retryable = true;
  constructor(message: string, options?: PostureSyncErrorOptions) {
    super(errorCodes.transient, message, options);
    this.name = 'TransientError';
  }
}

/** The source answered with something we cannot use: malformed body, unexpected status, error body. */
export class BadResponseError extends PostureSyncError {
  constructor(message: string, options?: PostureSyncErrorOptions) {
    super(errorCodes.badResponse, message, options);
    this.name = 'BadResponseError';
  }
}

/** The operation was stopped by the user (Ctrl-C, SIGTERM) or an AbortSignal. */
export class CancelledError extends PostureSyncError {
  constructor(message = 'The operation was cancelled', options?: PostureSyncErrorOptions) {
    super(errorCodes.cancelled, message, options);
    this.name = 'CancelledError';
  }
}

/** A thing the user named (report, policy) does not exist at the source. */
export class NotFoundError extends PostureSyncError {
  constructor(message: string, options?: PostureSyncErrorOptions) {
    super(errorCodes.notFound, message, options);
    this.name = 'NotFoundError';
  }
}

/** Another sync holds the database lock. */
export class LockHeldError extends PostureSyncError {
  constructor(message: string, options?: PostureSyncErrorOptions) {
    super(errorCodes.lockHeld, message, options);
    this.name = 'LockHeldError';
  }
}

/** The local database could not be opened, migrated or written. */
export class StoreError extends PostureSyncError {
  constructor(message: string, options?: PostureSyncErrorOptions) {
    super(errorCodes.store, message, options);
    this.name = 'StoreError';
  }
}

export function isPostureSyncError(error: unknown): error is PostureSyncError {
  return error instanceof PostureSyncError;
}
