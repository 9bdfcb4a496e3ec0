import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthError } from '../errors/index.ts';
import { createSharedTokenAuth } from './shared-token-auth.ts';
import { createTestClient } from './test-client.ts';
import { startTestServer, type TestServer } from './test-server.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A token source whose n-th login returns `jwt-n`; the server accepts only `validToken`. */
function tokens() {
  let issued = 0;
  return {
    get issued() {
      return issued;
    },
    fetchToken: async () => {
      issued++;
      await delay(5);
      return { token: `jwt-${issued}`, expiresAt: null };
    },
  };
}

describe('HTTP client authentication', () => {
  it('issue 2: after a 401 it refreshes once and the retried request carries the NEW token', async () => {
    const seen: string[] = [];
    server = await startTestServer((request, response) => {
      seen.push(request.headers.authorization ?? '');
      if (request.headers.authorization !== 'Bearer jwt-2') {
        response.writeHead(401, { 'content-type': 'application/json' });
        response.end('{"status":401,"error":"Unauthorized","message":"JWT expired"}');
        return;
      }
      response.writeHead(200).end('[]');
    });
    const source = tokens();
    const auth = createSharedTokenAuth({ fetchToken: source.fetchToken, scheme: 'Bearer' });
    const { client, metrics, waits } = createTestClient(server.url, { auth });
    const response = await client.request({
      method: 'POST',
      path: '/pcrs/1.0/posture/postureInfo',
      body: '{}',
    });
    expect(await response.json()).toEqual([]);
    expect(seen).toEqual(['Bearer jwt-1', 'Bearer jwt-2']);
    expect(source.issued).toBe(2);
    expect(metrics.retries).toBe(1);
    expect(waits).toEqual([]);
    await client.close();
  });

  it('a second 401 after the refresh is an AuthError', async () => {
    let calls = 0;
    server = await startTestServer((_request, response) => {
      calls++;
      response.writeHead(401).end('{"message":"Not authenticated"}');
    });
    const source = tokens();
    const auth = createSharedTokenAuth({ fetchToken: source.fetchToken, scheme: 'Bearer' });
    const { client } = createTestClient(server.url, { auth });
    const error = await client.request({ method: 'GET', path: '/x' }).catch((e) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toContain('even after logging in again');
    expect(error.details).toMatchObject({ status: 401 });
    expect(calls).toBe(2);
    expect(source.issued).toBe(2);
    await client.close();
  });

  it('a 401 without an auth hook, or for a login call, is an AuthError at once', async () => {
    let calls = 0;
    server = await startTestServer((_request, response) => {
      calls++;
      response.writeHead(401).end();
    });
    const { client } = createTestClient(server.url);
    await expect(client.request({ method: 'POST', path: '/auth', body: 'x' })).rejects.toBeInstanceOf(
      AuthError,
    );
    const source = tokens();
    const withAuth = createTestClient(server.url, {
      auth: createSharedTokenAuth({ fetchToken: source.fetchToken, scheme: 'Bearer' }),
    });
    await expect(
      withAuth.client.request({ method: 'POST', path: '/auth', body: 'x', skipAuth: true }),
    ).rejects.toBeInstanceOf(AuthError);
    expect(source.issued).toBe(0);
    expect(calls).toBe(2);
    await client.close();
    await withAuth.client.close();
  });

  it('concurrent 401s trigger exactly one refresh', async () => {
    const seen: string[] = [];
    server = await startTestServer(async (request, response) => {
      seen.push(request.headers.authorization ?? '');
      await delay(20);
      if (request.headers.authorization !== 'Bearer jwt-2') response.writeHead(401).end();
      else response.writeHead(200).end('ok');
    });
    const source = tokens();
    const auth = createSharedTokenAuth({ fetchToken: source.fetchToken, scheme: 'Bearer' });
    const { client } = createTestClient(server.url, { auth, maxConcurrency: 6 });
    const bodies = await Promise.all(
      Array.from({ length: 6 }, async (_, index) =>
        (await client.request({ method: 'GET', path: `/hostids?p=${index}` })).text(),
      ),
    );
    expect(bodies).toEqual(Array(6).fill('ok'));
    expect(source.issued).toBe(2);
    expect(seen.filter((header) => header === 'Bearer jwt-1')).toHaveLength(6);
    expect(seen.filter((header) => header === 'Bearer jwt-2')).toHaveLength(6);
    await client.close();
  });

  it('a failing login surfaces as AuthError without leaking the password', async () => {
    server = await startTestServer((_request, response) => void response.writeHead(200).end());
    const { client, redactor } = createTestClient(server.url, {
      auth: {
        apply: async () => {
          throw new Error('login as admin with password hunter2-secret failed');
        },
        refresh: async () => {},
      },
    });
    redactor.add('hunter2-secret');
    const error = await client.request({ method: 'GET', path: '/x' }).catch((e) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).not.toContain('hunter2-secret');
    expect(client.limits().active).toBe(0);
    await client.close();
  });
});
