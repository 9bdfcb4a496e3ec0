import type { CheckResult, HttpClient } from '@posturesync/core';
import { TransientError } from '@posturesync/core';
import type { PcrsApiVersion } from './api-version.ts';
import type { GatewayToken } from './auth.ts';
import { policyComplianceModule } from './auth.ts';
import { fetchPolicyList } from './pcrs-api.ts';

export interface CheckOptions {
  client: HttpClient;
  gatewayUrl: string;
  username: string;
  version: PcrsApiVersion;
  /** Logs in (one `/auth` call) and returns the token with its claims. */
  login: () => Promise<GatewayToken>;
  signal?: AbortSignal;
}

/**
 * One `/auth` call and one light request (the policy list). Bad credentials surface as
 * AuthError, a missing PC module as PermissionError, an unreachable gateway as TransientError
 * (`details.reason` "unreachable") and TLS problems as ConfigError (`details.reason` "tls"),
 * all raised by the auth step and the HTTP client.
 */
export async function checkPcrsAccess(options: CheckOptions): Promise<CheckResult> {
  let token: GatewayToken;
  try {
    token = await options.login();
  } catch (error) {
    throw withGatewayContext(error, options.gatewayUrl);
  }
  const list = await fetchPolicyList(options.client, {
    version: options.version,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const active = list.policies.filter(
    (policy) => (policy as { status?: unknown } | null)?.status?.toString().toLowerCase() === 'active',
  ).length;
  return {
    ok: true,
    details: [
      `gateway ${options.gatewayUrl}`,
      `user ${options.username}`,
      token.modulesAllowed === null
        ? 'token carries no modulesAllowed claim; PC entitlement confirmed by the policy list call'
        : `${policyComplianceModule} module enabled (modules: ${token.modulesAllowed.join(', ')})`,
      `${list.policies.length} policies visible (${active} active)${list.subscriptionId ? ` in subscription ${list.subscriptionId}` : ''}`,
      `token valid until ${token.expiresAt?.toISOString() ?? 'unknown'}`,
      `PCRS API version ${options.version}`,
    ],
  };
}

function withGatewayContext(error: unknown, gatewayUrl: string): unknown {
  if (error instanceof TransientError && error.details.reason === 'unreachable') {
    return new TransientError(
      `Cannot reach the Qualys gateway ${gatewayUrl}: ${error.message} Check the platform or gatewayUrl setting.`,
      { cause: error, details: error.details },
    );
  }
  return error;
}
