import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthError,
  BadResponseError,
  ConfigError,
  PermissionError,
  TransientError,
} from '../errors/index.ts';
import { noLimitHints, type ResponseClassifier } from './response-classifier.ts';
import { createSharedTokenAuth } from './shared-token-auth.ts';
import { createTestClient } from './test-client.ts';
import { readRequestBody, startTestServer, type TestServer } from './test-server.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('HTTP client errors', () => {
  it('issue 13: redacts an error body before cutting its excerpt, so no part of a token survives', async () => {
    const jwt = `eyJhbGciOiJIUzI1NiJ9.${'a'.repeat(40)}.${'b'.repeat(40)}`;
    // The token starts 10 characters before the 300-character excerpt ends.
    const body = `${'x'.repeat(290)} ${jwt}`;
    server = await startTestServer((_request, response) => {
      response.writeHead(400, { 'content-type': 'text/plain' }).end(body);
    });
    const { client } = createTestClient(server.url);
    const error = await client.request({ method: 'GET', path: '/x' }).catch((e) => e);
    expect(error).toBeInstanceOf(BadResponseError);
    const text = `${error.message} ${JSON.stringify(error.details)}`;
    expect(text).not.toContain('eyJhbGci');
    await client.close();
  });

  it('returns statuses listed in acceptStatus untouched', async () => {
    server = await startTestServer((request, response) => {
      if (request.url === '/empty') response.writeHead(204).end();
      else
        response
          .writeHead(404, { 'content-type': 'application/json' })
          .end('{"message":"Invalid input Parameter."}');
    });
    const { client, metrics } = createTestClient(server.url);
    const empty = await client.request({ method: 'GET', path: '/empty', acceptStatus: [204] });
    expect(empty.status).toBe(204);
    expect(await empty.text()).toBe('');
    const missing = await client.request({ method: 'GET', path: '/gone', acceptStatus: [404] });
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toBe('application/json');
    expect(await missing.json()).toEqual({ message: 'Invalid input Parameter.' });
    expect(metrics.retries).toBe(0);
    await client.close();
  });

  it('issue 6: refuses to buffer a body larger than maxBufferedBytes, while the stream stays unbounded', async () => {
    const chunk = 'x'.repeat(64 * 1024);
    server = await startTestServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      for (let index = 0; index < 32; index += 1) response.write(chunk);
      response.end();
    });
    const { client } = createTestClient(server.url, { maxBufferedBytes: 1024 * 1024 });
    const buffered = await client.request({ method: 'GET', path: '/hostids', label: 'hostids policy 1' });
    const error = await buffered.text().catch((e) => e);
    expect(error).toBeInstanceOf(BadResponseError);
    expect(error.message).toContain('hostids policy 1: the response body is larger than 1048576 bytes');
    const streamed = await client.request({ method: 'GET', path: '/hostids' });
    let total = 0;
    for await (const part of streamed.body) total += (part as Buffer).length;
    expect(total).toBe(32 * chunk.length);
    await client.close();
  });

  it('other unexpected statuses are BadResponseErrors with status, label and a short body excerpt', async () => {
    server = await startTestServer((_request, response) => {
      response.writeHead(400, { 'content-type': 'text/plain' });
      response.end(`parameter policy_ids has invalid value: 4199751a ${'x'.repeat(5000)}`);
    });
    const { client } = createTestClient(server.url);
    const error = await client
      .request({ method: 'GET', path: '/hostids', label: 'hostids policy 4199751a' })
      .catch((e) => e);
    expect(error).toBeInstanceOf(BadResponseError);
    expect(error.message).toContain('hostids policy 4199751a: unexpected HTTP 400');
    expect(error.message).toContain('Server said: parameter policy_ids has invalid value');
    expect(error.details).toMatchObject({ status: 400, label: 'hostids policy 4199751a' });
    expect(error.details.bodyExcerpt.length).toBeLessThanOrEqual(300);
    await client.close();
  });

  it('a response classifier adds the source error to the message and details, and can call a status a limit', async () => {
    let calls = 0;
    server = await startTestServer((_request, response) => {
      calls += 1;
      if (calls === 1) response.writeHead(418).end('E-LIMIT');
      else response.writeHead(400).end('E-BAD bad parameter');
    });
    const classifier: ResponseClassifier = {
      classify: ({ body }) => ({
        verdict: body.startsWith('E-LIMIT') ? { kind: 'limit', limit: 'rate' } : null,
        waitMs: body.startsWith('E-LIMIT') ? 2000 : null,
        details: { sourceCode: body.split(' ')[0] },
        summary: `Source code ${body.split(' ')[0]}.`,
      }),
      limitHints: () => noLimitHints,
    };
    const { client, waits } = createTestClient(server.url, { responseClassifier: classifier });
    const error = await client.request({ method: 'GET', path: '/x', label: 'list' }).catch((e) => e);
    expect(waits).toContain(2000);
    expect(error).toBeInstanceOf(BadResponseError);
    expect(error.message).toBe(
      `list: unexpected HTTP 400 from ${new URL(server.url).host}. Source code E-BAD.`,
    );
    expect(error.details).toMatchObject({ status: 400, sourceCode: 'E-BAD' });
    await client.close();
  });

  it('403 is a PermissionError; a broken JSON body is a BadResponseError', async () => {
    server = await startTestServer((request, response) => {
      if (request.url === '/forbidden') response.writeHead(403).end('user not licensed for API');
      else response.writeHead(200).end('{"truncated":');
    });
    const { client } = createTestClient(server.url);
    const forbidden = await client.request({ method: 'GET', path: '/forbidden' }).catch((e) => e);
    expect(forbidden).toBeInstanceOf(PermissionError);
    expect(forbidden.message).toContain('user not licensed for API');
    const response = await client.request({ method: 'GET', path: '/json' });
    await expect(response.json()).rejects.toBeInstanceOf(BadResponseError);
    await client.close();
  });

  it('issue 2: no password, Basic credential, bearer token or cookie appears in errors, details or logs', async () => {
    const password = 'S3cret-Passw0rd!';
    const basic = Buffer.from(`apiuser:${password}`).toString('base64');
    const cookie = 'SessionId=cookie-value-123456';
    server = await startTestServer(async (request, response) => {
      const body = await readRequestBody(request);
      // A careless server echoes everything back.
      const echo = `auth=${request.headers.authorization} cookie=${request.headers.cookie} body=${body} url=${request.url}`;
      if (request.url?.startsWith('/basic')) response.writeHead(400).end(echo);
      else if (request.url?.startsWith('/bearer')) response.writeHead(500).end(echo);
      else response.writeHead(401).end(echo);
    });
    const basicClient = createTestClient(server.url, {
      defaultHeaders: { authorization: `Basic ${basic}`, cookie, 'x-requested-with': 'posturesync' },
      retry: { maxRetries: 1 },
    });
    basicClient.redactor.addBasicCredentials('apiuser', password);
    const errors: unknown[] = [];
    errors.push(
      await basicClient.client
        .request({
          method: 'POST',
          path: `/basic?password=${encodeURIComponent(password)}`,
          body: `password=${password}`,
        })
        .catch((e) => e),
    );
    errors.push(await basicClient.client.request({ method: 'GET', path: '/unauthorized' }).catch((e) => e));

    const token = 'opaque-bearer-token-0123456789';
    const bearerClient = createTestClient(server.url, {
      auth: createSharedTokenAuth({ scheme: 'Bearer', fetchToken: async () => ({ token, expiresAt: null }) }),
      retry: { maxRetries: 1 },
    });
    errors.push(await bearerClient.client.request({ method: 'GET', path: '/bearer' }).catch((e) => e));
    errors.push(await bearerClient.client.request({ method: 'GET', path: '/unauthorized' }).catch((e) => e));

    expect(errors.map((error) => (error as Error).constructor)).toEqual([
      BadResponseError,
      AuthError,
      TransientError,
      AuthError,
    ]);
    const everything = JSON.stringify([
      errors.map((error) => ({
        message: (error as Error).message,
        details: (error as BadResponseError).details,
      })),
      basicClient.logs,
      bearerClient.logs,
    ]);
    expect(everything).toContain('auth=');
    for (const secret of [password, encodeURIComponent(password), basic, token, 'cookie-value-123456']) {
      expect(everything).not.toContain(secret);
    }
    await basicClient.client.close();
    await bearerClient.client.close();
  });

  it('an invalid header value is a ConfigError, not retried', async () => {
    server = await startTestServer((_request, response) => void response.end());
    const { client, metrics } = createTestClient(server.url, { defaultHeaders: { 'x-bad': 'line\nbreak' } });
    const error = await client.request({ method: 'GET', path: '/' }).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.details.reason).toBe('invalid-request');
    expect(metrics.retries).toBe(0);
    await client.close();
  });

  it('refuses to send credentials to another host named in a next-page link', async () => {
    server = await startTestServer((_request, response) => void response.end());
    const { client } = createTestClient(server.url);
    await expect(
      client.request({ method: 'GET', path: 'http://localhost:1/elsewhere' }),
    ).rejects.toBeInstanceOf(BadResponseError);
    await client.close();
  });
});

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!hasOpenssl())('HTTP client TLS', () => {
  let directory = '';
  let tlsServer: HttpsServer;
  let tlsUrl = '';
  let requests = 0;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'posturesync-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-keyout',
        join(directory, 'key.pem'),
        '-out',
        join(directory, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    tlsServer = createHttpsServer(
      { key: readFileSync(join(directory, 'key.pem')), cert: readFileSync(join(directory, 'cert.pem')) },
      (_request, response) => {
        requests++;
        response.writeHead(200).end('secure');
      },
    );
    await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
    tlsUrl = `https://127.0.0.1:${(tlsServer.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    tlsServer.closeAllConnections();
    await new Promise((resolve) => tlsServer.close(resolve));
    rmSync(directory, { recursive: true, force: true });
  });

  it('a self-signed certificate is a ConfigError explaining tlsVerify: false, not retried', async () => {
    const { client, metrics } = createTestClient(tlsUrl);
    const error = await client.request({ method: 'GET', path: '/' }).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.details).toMatchObject({ reason: 'tls', errorCode: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(error.message).toContain('certificate');
    expect(error.message).toContain('tlsVerify: false');
    expect(metrics.requests).toBe(1);
    expect(requests).toBe(0);
    await client.close();
  });

  it('rejectUnauthorized: false accepts the certificate', async () => {
    const { client } = createTestClient(tlsUrl, { rejectUnauthorized: false });
    expect(await (await client.request({ method: 'GET', path: '/' })).text()).toBe('secure');
    await client.close();
  });

  it('https to a plain HTTP port is a ConfigError about the TLS handshake', async () => {
    server = await startTestServer((_request, response) => void response.end('plain'));
    const { client, metrics } = createTestClient(server.url.replace('http:', 'https:'));
    const error = await client.request({ method: 'GET', path: '/' }).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.details.reason).toBe('tls');
    expect(metrics.retries).toBe(0);
    await client.close();
  });
});
