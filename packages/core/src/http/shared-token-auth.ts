import type { SecretRedactor } from '../log/redact.ts';
import type { AuthHook, AuthRefreshReason } from './types.ts';

export interface SharedTokenAuthOptions {
  /** Logs in and returns a token; `expiresAt` null means "unknown, use until rejected". */
  fetchToken: () => Promise<{ token: string; expiresAt: Date | null }>;
  scheme: 'Bearer';
  /** Refresh this long before `expiresAt`, so no call carries a token about to expire; default 60 s. */
  refreshSkewMs?: number;
  now?: () => Date;
  /** When given, every token fetched is registered so it never reaches a log or an error. */
  redactor?: SecretRedactor;
}

export interface SharedTokenAuth extends AuthHook {
  /** The current token, logging in first if there is none or it is about to expire. */
  token(): Promise<string>;
  /** Forgets the token; the next call logs in again. */
  invalidate(): void;
  /** How many times `fetchToken` was called (observability and tests). */
  readonly fetchCount: number;
}

/**
 * One token shared by every call through a client. A login runs at most once at a time: callers
 * that need a token while it runs wait for the same promise, and a 401 for a token that has since
 * been replaced does not log in again. Concurrent 401s therefore cause exactly one refresh, unlike
 * QualysETL whose forked workers each logged in on their own.
 */
export function createSharedTokenAuth(options: SharedTokenAuthOptions): SharedTokenAuth {
  const now = options.now ?? (() => new Date());
  const skewMs = options.refreshSkewMs ?? 60_000;
  let current: { token: string; expiresAt: Date | null } | null = null;
  let inFlight: Promise<string> | null = null;
  let fetchCount = 0;

  const header = (token: string) => `${options.scheme} ${token}`;

  const login = (): Promise<string> => {
    if (inFlight) return inFlight;
    fetchCount++;
    const started = options.fetchToken().then(
      (fetched) => {
        options.redactor?.add(fetched.token);
        current = fetched;
        inFlight = null;
        return fetched.token;
      },
      (error: unknown) => {
        inFlight = null;
        throw error;
      },
    );
    inFlight = started;
    return started;
  };

  const fresh = () =>
    current !== null &&
    (current.expiresAt === null || current.expiresAt.getTime() - skewMs > now().getTime());

  const token = async (): Promise<string> => {
    if (inFlight) return inFlight;
    if (current && fresh()) return current.token;
    return login();
  };

  return {
    token,
    invalidate() {
      current = null;
    },
    get fetchCount() {
      return fetchCount;
    },
    async apply(headers) {
      headers.authorization = header(await token());
    },
    async refresh(reason: AuthRefreshReason) {
      if (inFlight) {
        await inFlight;
        return;
      }
      const rejected = reason.requestHeaders?.authorization;
      // Another caller already replaced the token this request was sent with.
      if (rejected !== undefined && current !== null && rejected !== header(current.token)) return;
      current = null;
      await login();
    },
  };
}
