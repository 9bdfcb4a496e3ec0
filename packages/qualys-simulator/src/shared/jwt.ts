import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type TokenCheck =
  | { ok: true; subject: string; modulesAllowed: string[] }
  | { ok: false; reason: 'invalid' | 'expired' };

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

/**
 * Issues and checks gateway JWTs (header {"alg":"HS512"}, wire spec A.2). Expiry is kept
 * server-side at millisecond precision so tests can use sub-second lifetimes; `exp` in the
 * token is informative only, as for a real client.
 */
export class TokenAuthority {
  readonly #secret = randomBytes(32);
  readonly #expiresAt = new Map<number, number>();
  #nextId = 1;
  #revokedUpTo = 0;

  issue(subject: string, modulesAllowed: readonly string[], nowMs: number, ttlMs: number): string {
    const jti = this.#nextId++;
    this.#expiresAt.set(jti, nowMs + ttlMs);
    const header = base64url('{"alg":"HS512"}');
    const payload = base64url(
      JSON.stringify({
        sub: subject,
        loginResponse: 'SUCCESSFUL',
        successfulAuthenticationHandlers: ['QWEB_AUTHENTICATION_HANDLER'],
        iss: 'qas',
        ipAddress: '127.0.0.1',
        portalUserId: 1_000_000 + jti,
        usertype: 'fo',
        qwebUserId: 2_000_000 + jti,
        credentialType: 'UsernamePasswordCredential',
        aud: 'qas',
        modulesAllowed: [...modulesAllowed],
        iat: Math.floor(nowMs / 1000),
        exp: Math.floor(nowMs / 1000) + Math.ceil(ttlMs / 1000),
        jti: String(jti),
      }),
    );
    const signature = createHmac('sha512', this.#secret).update(`${header}.${payload}`).digest('base64url');
    return `${header}.${payload}.${signature}`;
  }

  check(token: string, nowMs: number): TokenCheck {
    const parts = token.split('.');
    if (parts.length !== 3) return { ok: false, reason: 'invalid' };
    const [header, payload, signature] = parts as [string, string, string];
    const expected = createHmac('sha512', this.#secret).update(`${header}.${payload}`).digest();
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return { ok: false, reason: 'invalid' };
    let claims: { sub?: unknown; jti?: unknown; modulesAllowed?: unknown };
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
    } catch {
      return { ok: false, reason: 'invalid' };
    }
    const jti = Number(claims.jti);
    const expiresAt = this.#expiresAt.get(jti);
    if (expiresAt === undefined) return { ok: false, reason: 'invalid' };
    if (jti <= this.#revokedUpTo || nowMs >= expiresAt) return { ok: false, reason: 'expired' };
    return {
      ok: true,
      subject: String(claims.sub),
      modulesAllowed: Array.isArray(claims.modulesAllowed) ? claims.modulesAllowed.map(String) : [],
    };
  }

  /** Every token issued so far now answers "JWT expired". */
  expireAll(): void {
    this.#revokedUpTo = this.#nextId - 1;
  }
}
