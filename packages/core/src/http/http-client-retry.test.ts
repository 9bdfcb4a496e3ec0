import { afterEach, describe, expect, it } from 'vitest';
import { TransientError } from '../errors/index.ts';
import { createTestClient } from './test-client.ts';
import { readRequestBody, startTestServer, type TestServer } from './test-server.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('HTTP client retries', () => {
  it('retries a 503 and then returns the successful response', async () => {
    let calls = 0;
    server = await startTestServer((_request, response) => {
      calls++;
      if (calls < 3) {
        response.writeHead(503, { 'content-type': 'text/plain' }).end('maintenance');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    const { client, metrics, waits, logs } = createTestClient(server.url);
    const response = await client.request({ method: 'GET', path: '/pcrs/1.0/posture/policy/list' });
    expect(await response.json()).toEqual({ ok: true });
    expect(calls).toBe(3);
    expect(metrics.requests).toBe(3);
    expect(metrics.retries).toBe(2);
    // Full jitter with random 0.5: half of 1 s, then half of 2 s.
    expect(waits).toEqual([500, 1000]);
    // Two 'maintenance' error bodies plus the JSON body.
    expect(metrics.bytesReceived).toBe(11 + 11 + 11);
    const retryLogs = logs.filter((record) => record.level === 'warn');
    expect(retryLogs).toHaveLength(2);
    expect(retryLogs[0]).toMatchObject({ reason: 'HTTP 503', waitMs: 500, attempt: 1 });
    expect(logs.filter((record) => record.level === 'debug' && record.status === 503)).toHaveLength(2);
    await client.close();
  });

  it('throws TransientError with the attempt count when the retry budget is spent', async () => {
    let calls = 0;
    server = await startTestServer((_request, response) => {
      calls++;
      response.writeHead(502).end('bad gateway');
    });
    const { client } = createTestClient(server.url, { retry: { maxRetries: 3 } });
    const error = await client.request({ method: 'GET', path: '/x', label: 'policy list' }).catch((e) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect(error.details).toMatchObject({
      reason: 'server-error',
      status: 502,
      attempts: 4,
      label: 'policy list',
    });
    expect(error.message).toContain('policy list failed after 4 attempts');
    expect(error.retryable).toBe(true);
    expect(calls).toBe(4);
    await client.close();
  });

  it('does not retry a POST unless it is marked idempotent', async () => {
    const bodies: string[] = [];
    server = await startTestServer(async (request, response) => {
      bodies.push(await readRequestBody(request));
      response.writeHead(500).end('oops');
    });
    const { client } = createTestClient(server.url, { retry: { maxRetries: 2 } });
    const error = await client
      .request({ method: 'POST', path: '/pcrs/1.0/posture/postureInfo', body: '{"a":1}' })
      .catch((e) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect(error.message).toContain('not marked safe to repeat');
    expect(bodies).toEqual(['{"a":1}']);

    bodies.length = 0;
    const idempotent = await client
      .request({ method: 'POST', path: '/p', body: 'x=1', idempotent: true })
      .catch((e) => e);
    expect(idempotent.details.attempts).toBe(3);
    expect(bodies).toEqual(['x=1', 'x=1', 'x=1']);
    await client.close();
  });

  it('retries a refused connection, even for a POST, because nothing was sent', async () => {
    server = await startTestServer((_request, response) => void response.end());
    const deadUrl = server.url;
    await server.close();
    server = undefined;
    const { client, metrics } = createTestClient(deadUrl, { retry: { maxRetries: 2 } });
    const error = await client.request({ method: 'POST', path: '/launch', body: 'x' }).catch((e) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect(error.details).toMatchObject({ reason: 'unreachable', errorCode: 'ECONNREFUSED', attempts: 3 });
    expect(metrics.requests).toBe(3);
    await client.close();
  });

  it('waits at least the Retry-After a 503 asks for', async () => {
    let calls = 0;
    server = await startTestServer((_request, response) => {
      calls++;
      if (calls === 1) response.writeHead(503, { 'retry-after': '7' }).end();
      else response.writeHead(200).end('ok');
    });
    const { client, waits } = createTestClient(server.url);
    expect(await (await client.request({ method: 'GET', path: '/' })).text()).toBe('ok');
    expect(waits).toEqual([7000]);
    await client.close();
  });
});
