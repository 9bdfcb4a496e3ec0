/** The claims posturesync reads from a Qualys gateway JWT. */
export interface GatewayTokenClaims {
  /** Expiry, when the token carries an `exp` claim (seconds since the epoch). */
  expiresAt: Date | null;
  /** `modulesAllowed`, when present (e.g. ["VM", "PC"]). */
  modulesAllowed: string[] | null;
}

/** Reads the payload without verifying the signature: the gateway does that; we only plan refreshes. */
export function readTokenClaims(token: string): GatewayTokenClaims {
  const payload = token.split('.')[1];
  if (payload === undefined) return { expiresAt: null, modulesAllowed: null };
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { expiresAt: null, modulesAllowed: null };
  }
  if (claims === null || typeof claims !== 'object') return { expiresAt: null, modulesAllowed: null };
  const { exp, modulesAllowed } = claims as { exp?: unknown; modulesAllowed?: unknown };
  const expNumber = typeof exp === 'string' ? Number(exp) : exp;
  return {
    expiresAt:
      typeof expNumber === 'number' && Number.isFinite(expNumber) ? new Date(expNumber * 1000) : null,
    modulesAllowed: Array.isArray(modulesAllowed)
      ? modulesAllowed.filter((module): module is string => typeof module === 'string')
      : null,
  };
}
