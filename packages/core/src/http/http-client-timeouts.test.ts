import { afterEach, describe, expect, it } from 'vitest';
import { CancelledError, TransientError } from '../errors/index.ts';
import { createTestClient } from './test-client.ts';
import { startTestServer, type TestServer } from './test-server.ts';
import { withRetry } from './with-retry.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('HTTP client timeouts, broken bodies and cancellation', () => {
  it('a connection reset mid-body surfaces as a retryable TransientError from body consumption', async () => {
    server = await startTestServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('[{"hostId":1},');
      setTimeout(() => response.socket?.destroy(), 20);
    });
    const { client, metrics } = createTestClient(server.url);
    const response = await client.request({ method: 'GET', path: '/posture' });
    const error = await response.text().catch((e) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect(error.details).toMatchObject({ reason: 'reset', phase: 'body' });
    expect(error.retryable).toBe(true);
    expect(metrics.bytesReceived).toBe(14);
    // The slot went back: a second call is not blocked behind the broken one.
    expect(client.limits().active).toBe(0);
    await client.close();
  });

  it('withRetry repeats request and body consumption after a truncated body', async () => {
    let calls = 0;
    server = await startTestServer((_request, response) => {
      calls++;
      response.writeHead(200);
      if (calls === 1) {
        response.write('partial');
        setTimeout(() => response.socket?.destroy(), 10);
      } else response.end('complete');
    });
    const { client } = createTestClient(server.url);
    const text = await withRetry(async () => (await client.request({ method: 'GET', path: '/' })).text(), {
      sleep: async () => {},
    });
    expect(text).toBe('complete');
    expect(calls).toBe(2);
    await client.close();
  });

  it('headers timeout is retried, then reported as a timeout with the attempt count', async () => {
    let calls = 0;
    server = await startTestServer(() => {
      calls++;
      // Never answers.
    });
    const { client } = createTestClient(server.url, {
      timeouts: { headersMs: 150 },
      retry: { maxRetries: 1 },
    });
    const started = Date.now();
    const error = await client.request({ method: 'GET', path: '/slow' }).catch((e) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect(error.details).toMatchObject({
      reason: 'timeout',
      errorCode: 'UND_ERR_HEADERS_TIMEOUT',
      attempts: 2,
    });
    expect(calls).toBe(2);
    expect(Date.now() - started).toBeLessThan(3000);
    await client.close();
  });

  it('body idle timeout fires between chunks and surfaces as a TransientError', async () => {
    server = await startTestServer((_request, response) => {
      response.writeHead(200);
      response.write('first chunk');
      // Then silence.
    });
    const { client } = createTestClient(server.url, { timeouts: { bodyMs: 200 } });
    const response = await client.request({ method: 'GET', path: '/stall' });
    const started = Date.now();
    const error = await response.text().catch((e) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect(error.details).toMatchObject({
      reason: 'timeout',
      errorCode: 'UND_ERR_BODY_TIMEOUT',
      phase: 'body',
    });
    expect(Date.now() - started).toBeLessThan(3000);
    await client.close();
  });

  it('per-request timeouts override the client defaults', async () => {
    server = await startTestServer(() => {});
    const { client } = createTestClient(server.url, { retry: { maxRetries: 0 } });
    const error = await client
      .request({ method: 'GET', path: '/slow', timeouts: { headersMs: 100 } })
      .catch((e) => e);
    expect(error.details.reason).toBe('timeout');
    await client.close();
  });

  it('aborting a waiting call rejects with CancelledError and frees its slot', async () => {
    server = await startTestServer(() => {});
    const { client } = createTestClient(server.url);
    const controller = new AbortController();
    const pending = client.request({ method: 'GET', path: '/slow', signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    expect(client.limits().active).toBe(0);
    await client.close();
  });

  it('the client-wide signal cancels a retry back-off and a body being read', async () => {
    let calls = 0;
    server = await startTestServer((_request, response) => {
      calls++;
      if (calls === 1) response.writeHead(503).end();
      else {
        response.writeHead(200);
        response.write('some');
      }
    });
    const controller = new AbortController();
    const { client } = createTestClient(server.url, { signal: controller.signal, realSleep: true });
    const started = Date.now();
    const backoff = client.request({ method: 'GET', path: '/' });
    setTimeout(() => controller.abort(), 50);
    await expect(backoff).rejects.toBeInstanceOf(CancelledError);
    expect(Date.now() - started).toBeLessThan(400);

    const second = new AbortController();
    const { client: other } = createTestClient(server.url, { signal: second.signal });
    const response = await other.request({ method: 'GET', path: '/' });
    setTimeout(() => second.abort(), 30);
    await expect(response.text()).rejects.toBeInstanceOf(CancelledError);
    await client.close();
    await other.close();
  });
});
