import type { HttpClient, SecretRedactor } from '@posturesync/core';
import { AuthError, BadResponseError, PermissionError } from '@posturesync/core';
import { describeErrorBody } from './error-body.ts';
import { readTokenClaims } from './jwt.ts';

/**
 * Extra form fields sent to `/auth`. The PCRS docs list only username/password/token, but
 * other gateway APIs require `permissions=true` and QualysSDK/QualysETL send it; whether PCRS
 * needs it is unconfirmed, so it lives here, in one place.
 */
export const authExtraFormFields: Readonly<Record<string, string>> = { permissions: 'true' };

/** Qualys documents gateway JWTs as valid for 4 hours; used when a token carries no `exp`. */
export const assumedTokenLifetimeMs = 4 * 60 * 60 * 1000;

/** The PC module name in the JWT `modulesAllowed` claim. */
export const policyComplianceModule = 'PC';

export interface GatewayToken {
  token: string;
  expiresAt: Date | null;
  modulesAllowed: string[] | null;
}

export interface RequestTokenOptions {
  client: HttpClient;
  username: string;
  password: string;
  gatewayUrl: string;
  redactor: SecretRedactor;
  now: () => Date;
  signal?: AbortSignal;
}

/** One `POST /auth`: returns the raw JWT (201) or throws AuthError / PermissionError / BadResponseError. */
export async function requestGatewayToken(options: RequestTokenOptions): Promise<GatewayToken> {
  const { client, username, password, gatewayUrl, redactor } = options;
  redactor.add(password);
  const form = new URLSearchParams({ username, password, token: 'true', ...authExtraFormFields });
  const response = await client.request({
    method: 'POST',
    path: '/auth',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: '*/*' },
    body: form.toString(),
    idempotent: true,
    skipAuth: true,
    skipRateLimit: true,
    acceptStatus: [200, 201, 400, 401, 403, 404],
    label: 'auth',
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const text = await response.text();
  if (response.status === 401 || response.status === 403) {
    throw new AuthError(
      `Qualys rejected the username or password for ${username} at ${gatewayUrl} (HTTP ${response.status}: ${redactor.redact(describeErrorBody(text))}). Check the user name, the QUALYS_PASSWORD environment variable and that the account has API access.`,
      { details: { status: response.status, username, gatewayUrl } },
    );
  }
  if (response.status !== 201 && response.status !== 200) {
    throw new BadResponseError(
      `Qualys gateway ${gatewayUrl} answered /auth with HTTP ${response.status} (${redactor.redact(describeErrorBody(text))}); expected 201 with a token. Check that the gateway URL or platform is right.`,
      { details: { status: response.status, gatewayUrl } },
    );
  }
  const token = text.trim();
  if (token === '' || /\s/.test(token)) {
    throw new BadResponseError(
      `Qualys gateway ${gatewayUrl} answered /auth with HTTP ${response.status} but no token in the body; check that the URL points at the gateway (gateway.<platform>), not the classic API server.`,
      { details: { status: response.status, gatewayUrl } },
    );
  }
  redactor.add(token);
  const claims = readTokenClaims(token);
  if (claims.modulesAllowed !== null && !claims.modulesAllowed.includes(policyComplianceModule)) {
    throw new PermissionError(
      `The Qualys account ${username} at ${gatewayUrl} has no Policy Compliance (PC) module (modules: ${claims.modulesAllowed.join(', ') || 'none'}); ask your Qualys administrator to enable PC and API access for it.`,
      { details: { username, gatewayUrl, modulesAllowed: claims.modulesAllowed } },
    );
  }
  const expiresAt = claims.expiresAt ?? new Date(options.now().getTime() + assumedTokenLifetimeMs);
  return { token, expiresAt, modulesAllowed: claims.modulesAllowed };
}
