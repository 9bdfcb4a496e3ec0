import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { SecretRedactor } from '../log/redact.ts';
import { createSharedTokenAuth } from './shared-token-auth.ts';

function tokenSource(ttlMs: number | null, clock: () => Date) {
  let issued = 0;
  return {
    get issued() {
      return issued;
    },
    fetchToken: async () => {
      issued++;
      await delay(5);
      return {
        token: `token-${issued}`,
        expiresAt: ttlMs === null ? null : new Date(clock().getTime() + ttlMs),
      };
    },
  };
}

describe('createSharedTokenAuth', () => {
  it('shares one in-flight login among concurrent callers', async () => {
    const source = tokenSource(null, () => new Date());
    const auth = createSharedTokenAuth({ fetchToken: source.fetchToken, scheme: 'Bearer' });
    const headers = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const record: Record<string, string> = {};
        await auth.apply(record);
        return record.authorization;
      }),
    );
    expect(headers).toEqual(Array(5).fill('Bearer token-1'));
    expect(source.issued).toBe(1);
  });

  it('refreshes before expiry, honouring the skew', async () => {
    let clock = new Date('2024-01-01T00:00:00Z');
    const now = () => clock;
    const source = tokenSource(4 * 3_600_000, now);
    const auth = createSharedTokenAuth({
      fetchToken: source.fetchToken,
      scheme: 'Bearer',
      refreshSkewMs: 60_000,
      now,
    });
    expect(await auth.token()).toBe('token-1');
    clock = new Date(clock.getTime() + 4 * 3_600_000 - 61_000);
    expect(await auth.token()).toBe('token-1');
    clock = new Date(clock.getTime() + 2000);
    expect(await auth.token()).toBe('token-2');
  });

  it('concurrent 401s for the same token cause exactly one refresh; a stale 401 causes none', async () => {
    const source = tokenSource(null, () => new Date());
    const auth = createSharedTokenAuth({ fetchToken: source.fetchToken, scheme: 'Bearer' });
    const sent: Record<string, string> = {};
    await auth.apply(sent);
    await Promise.all(
      Array.from({ length: 4 }, () => auth.refresh({ status: 401, body: '', requestHeaders: sent })),
    );
    expect(source.issued).toBe(2);
    await auth.refresh({ status: 401, body: '', requestHeaders: sent });
    expect(source.issued).toBe(2);
    expect(await auth.token()).toBe('token-2');
    expect(auth.fetchCount).toBe(2);
  });

  it('a failed login is not cached and tokens are registered for redaction', async () => {
    let fail = true;
    const redactor = new SecretRedactor();
    const auth = createSharedTokenAuth({
      scheme: 'Bearer',
      redactor,
      fetchToken: async () => {
        if (fail) throw new Error('gateway down');
        return { token: 'abc-secret-token', expiresAt: null };
      },
    });
    await expect(auth.token()).rejects.toThrow('gateway down');
    fail = false;
    expect(await auth.token()).toBe('abc-secret-token');
    expect(redactor.redact('got abc-secret-token')).toBe('got [REDACTED]');
  });
});
