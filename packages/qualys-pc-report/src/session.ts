import {
  AuthError,
  type AuthHook,
  type AuthRefreshReason,
  BadResponseError,
  type Logger,
  readSmallBody,
  type SecretRedactor,
} from '@posturesync/core';
import { parseSimpleReturn } from '@posturesync/qualys-common';
import { type ClassicApi, errorFromSimpleReturn } from './classic-api.ts';

export const sessionPath = '/api/2.0/fo/session/';

export interface QualysAuthOptions {
  mode: 'session' | 'basic';
  username: string;
  password: string;
  redactor: SecretRedactor;
  logger: Logger;
}

function sessionIdFrom(setCookie: string | undefined): string | null {
  return /(?:^|[,;\s])QualysSession=([^;,\s]+)/.exec(setCookie ?? '')?.[1] ?? null;
}

/**
 * Classic API v2 authentication. Basic mode sends the credentials with every call. Session
 * mode logs in on first use (`action=login`, cookie `QualysSession`), logs in again once if
 * Qualys rejects the session (expiry), and logs out in `logout()`, which the connector's
 * `close()` calls after success and failure alike.
 */
export class QualysAuth implements AuthHook {
  readonly #options: QualysAuthOptions;
  readonly #basicHeader: string;
  #api: ClassicApi | null = null;
  #sessionId: string | null = null;
  #loggingIn: Promise<string> | null = null;
  #logins = 0;

  constructor(options: QualysAuthOptions) {
    this.#options = options;
    this.#basicHeader = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;
    options.redactor.addBasicCredentials(options.username, options.password);
  }

  /** The API the hook logs in through (created after the hook, since the client needs the hook). */
  attach(api: ClassicApi): void {
    this.#api = api;
  }

  get loggedIn(): boolean {
    return this.#sessionId !== null;
  }

  get logins(): number {
    return this.#logins;
  }

  async apply(headers: Record<string, string>): Promise<void> {
    if (this.#options.mode === 'basic') {
      headers.authorization = this.#basicHeader;
      return;
    }
    const sessionId = this.#sessionId ?? (await this.login());
    headers.cookie = `QualysSession=${sessionId}`;
  }

  async refresh(reason: AuthRefreshReason): Promise<void> {
    const simpleReturn = parseSimpleReturn(reason.body);
    if (this.#options.mode === 'basic') {
      throw simpleReturn?.code
        ? errorFromSimpleReturn('Qualys API login', reason.status, simpleReturn)
        : new AuthError(
            'Qualys rejected the Basic credentials (HTTP 401). Check the username and QUALYS_PASSWORD, and that the account may use the API.',
          );
    }
    // Only the session this very request carried is stale; a newer one may already exist.
    const sent = reason.requestHeaders?.cookie;
    if (this.#sessionId && sent && !sent.includes(this.#sessionId)) return;
    this.#sessionId = null;
    await this.login();
  }

  /** Logs in once even when several calls need a session at the same moment. */
  login(): Promise<string> {
    this.#loggingIn ??= this.#login().finally(() => {
      this.#loggingIn = null;
    });
    return this.#loggingIn;
  }

  async #login(): Promise<string> {
    const api = this.#api;
    if (!api) throw new AuthError('The Qualys session was used before the API client was attached.');
    const response = await api.request({
      method: 'POST',
      path: sessionPath,
      params: { action: 'login', username: this.#options.username, password: this.#options.password },
      label: 'Qualys session login',
      idempotent: true,
      skipAuth: true,
      skipRateLimit: true,
      acceptStatus: [401],
    });
    const body = await readSmallBody(response, 'Qualys session login');
    const simpleReturn = parseSimpleReturn(body);
    if (response.status === 401 || simpleReturn?.code) {
      if (simpleReturn?.code)
        throw errorFromSimpleReturn('Qualys session login', response.status, simpleReturn);
      throw new AuthError(
        'Qualys session login was refused (HTTP 401). Check the username and QUALYS_PASSWORD, and that the account may use the API.',
      );
    }
    const sessionId = sessionIdFrom(response.headers['set-cookie']);
    if (!sessionId) {
      throw new BadResponseError(
        'Qualys session login answered without a QualysSession cookie. Check that apiUrl points at the Qualys API server, or use auth: basic.',
        { details: { status: response.status } },
      );
    }
    this.#options.redactor.add(sessionId);
    this.#sessionId = sessionId;
    this.#logins += 1;
    this.#options.logger.debug('Qualys session opened');
    return sessionId;
  }

  /** Ends the session if one is open; never throws (it runs during cleanup after failures). */
  async logout(): Promise<void> {
    const sessionId = this.#sessionId;
    const api = this.#api;
    if (this.#options.mode !== 'session' || !sessionId || !api) return;
    this.#sessionId = null;
    try {
      const response = await api.request({
        method: 'POST',
        path: sessionPath,
        params: { action: 'logout' },
        label: 'Qualys session logout',
        idempotent: true,
        skipAuth: true,
        skipRateLimit: true,
        headers: { Cookie: `QualysSession=${sessionId}` },
        acceptStatus: [401],
      });
      await response.dump();
      this.#options.logger.debug('Qualys session closed');
    } catch (error) {
      this.#options.logger.warn('Qualys session logout failed; the session will expire on its own', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
