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

/**
 * Where in an HTTP call an error happened. `body`: after the response was handed to the caller,
 * while its body was read, so the client could not retry it and only a whole-call retry (request
 * plus body, e.g. `withRetry`) can.
 */
export type ErrorPhase = 'request' | 'body';

export interface PostureSyncErrorOptions {
  cause?: unknown;
  /** Structured facts for logs and `--json` output. Must never hold secrets. */
  details?: Record<string, unknown>;
  /** Where in a call it failed; also recorded as `details.phase`. */
  phase?: ErrorPhase;
}

/**
 * Where an error carries the names of the posturesync error classes it is an instance of.
 * `Symbol.for` keys live in the process-wide registry, so they are the same symbol in every
 * copy of this package: a connector installed with its own copy of `@posturesync/core`
 * throws errors that the CLI's copy still recognises (undici and vercel/ai brand errors the
 * same way). `instanceof` on these classes checks the brand, not the prototype chain.
 */
const brandKey: unique symbol = Symbol.for('posturesync.error.brands') as never;

interface BrandedClass {
  readonly brand?: string;
}

function brandsOf(value: unknown): readonly string[] | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const brands = (value as { [brandKey]?: unknown })[brandKey];
  return Array.isArray(brands) ? (brands as string[]) : undefined;
}

function isBrandedInstance(
  type: BrandedClass & (abstract new (...args: never[]) => unknown),
  value: unknown,
): boolean {
  // A subclass that declares no brand of its own (a connector's private error class) keeps
  // the ordinary prototype check; it would otherwise match every error of its parent's brand.
  if (!Object.hasOwn(type, 'brand')) return Function.prototype[Symbol.hasInstance].call(type, value);
  const brand = type.brand;
  return brand !== undefined && (brandsOf(value)?.includes(brand) ?? false);
}

export class PostureSyncError extends Error {
  /** The class's brand: its stable name, recorded on every instance. Subclasses set their own. */
  static readonly brand: string = 'PostureSyncError';

  /** `value instanceof SomeError` holds for errors from any copy of this package. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class `instanceof` names, often a subclass.
    return isBrandedInstance(this, value);
  }

  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;
  /** Where in an HTTP call it failed, when the error comes from one (see `ErrorPhase`). */
  readonly phase: ErrorPhase | undefined;
  /** Whether trying the same operation again later may succeed. */
  readonly retryable: boolean = false;
  declare readonly [brandKey]: readonly string[];

  constructor(code: ErrorCode, message: string, options: PostureSyncErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PostureSyncError';
    this.code = code;
    // An error rebuilt from another one's details (a wrapper adding context) keeps its phase.
    const detailsPhase = options.details?.phase;
    this.phase =
      options.phase ?? (detailsPhase === 'body' || detailsPhase === 'request' ? detailsPhase : undefined);
    this.details =
      this.phase === undefined ? (options.details ?? {}) : { ...options.details, phase: this.phase };
    // Every brand from the constructed class up to this one, read off the static `brand`s.
    const brands: string[] = [];
    for (let type: unknown = new.target; typeof type === 'function' && type !== Error; ) {
      const brand = (type as BrandedClass).brand;
      if (typeof brand === 'string' && !brands.includes(brand)) brands.push(brand);
      type = Object.getPrototypeOf(type);
    }
    Object.defineProperty(this, brandKey, { value: Object.freeze(brands), enumerable: false });
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

/** Invalid or missing configuration: names the key and what was expected. */
export class ConfigError extends PostureSyncError {
  static override readonly brand: string = 'ConfigError';
  constructor(message: string, options?: PostureSyncErrorOptions) {
    super(errorCodes.config, message, options);
    this.name = 'ConfigError';
  }
}

/** The source rejected the credentials. */
export class AuthError extends PostureSyncError {
  static override readonly brand: string = 'AuthError';
  constructor(message: string, options?: PostureSyncErrorOptions) {
    super(errorCodes.auth, message, options);
    this.name = 'AuthError';
  }
}

/** Credentials are valid but lack a module, role or API access. */
export class PermissionError extends PostureSyncError {
  static override readonly brand: string = 'PermissionError';
  constructor(message: string, options?: PostureSyncErrorOptions) {
    super(errorCodes.permission, message, options);
    this.name = 'PermissionError';
  }
}

/** The source's rate or concurrency limit was still in force after all retries. */
export class RateLimitedError extends PostureSyncError {
  static override readonly brand: string = 'RateLimitedError';
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
  static override readonly brand: string = 'TransientError';
  override readonly retryable = true;
  constructor(message: string, options?: PostureSyncErrorOptions) {
    super(errorCodes.transient, message, options);
    this.name = 'TransientError';
  }
}

/** The source answered with something we cannot use: malformed body, unexpected status, error body. */
export class BadResponseError extends PostureSyncError {
  static override readonly brand: string = 'BadResponseError';
  constructor(message: string, options?: PostureSyncErrorOptions) {
    super(errorCodes.badResponse, message, options);
    this.name = 'BadResponseError';
  }
}

/** The operation was stopped by the user (Ctrl-C, SIGTERM) or an AbortSignal. */
export class CancelledError extends PostureSyncError {
  static override readonly brand: string = 'CancelledError';
  constructor(message = 'The operation was cancelled', options?: PostureSyncErrorOptions) {
    super(errorCodes.cancelled, message, options);
    this.name = 'CancelledError';
  }
}

/** A thing the user named (report, policy) does not exist at the source. */
export class NotFoundError extends PostureSyncError {
  static override readonly brand: string = 'NotFoundError';
  constructor(message: string, options?: PostureSyncErrorOptions) {
    super(errorCodes.notFound, message, options);
    this.name = 'NotFoundError';
  }
}

/** Another sync holds the database lock. */
export class LockHeldError extends PostureSyncError {
  static override readonly brand: string = 'LockHeldError';
  constructor(message: string, options?: PostureSyncErrorOptions) {
    super(errorCodes.lockHeld, message, options);
    this.name = 'LockHeldError';
  }
}

/** The local database could not be opened, migrated or written. */
export class StoreError extends PostureSyncError {
  static override readonly brand: string = 'StoreError';
  constructor(message: string, options?: PostureSyncErrorOptions) {
    super(errorCodes.store, message, options);
    this.name = 'StoreError';
  }
}

/** True for an error from any copy of `@posturesync/core` (see the brand above). */
export function isPostureSyncError(error: unknown): error is PostureSyncError {
  return error instanceof PostureSyncError;
}
