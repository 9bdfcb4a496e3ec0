import { afterEach, describe, expect, it } from 'vitest';
import { BadResponseError, TransientError } from '../errors/index.ts';
import { createTestClient } from './test-client.ts';
import { startTestServer, type TestServer } from './test-server.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('whole-response limits', () => {
  it('issue 13: a body dripping a byte at a time fails at the total deadline though it never goes idle', async () => {
    server = await startTestServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => response.write(' '), 20);
      response.on('close', () => clearInterval(timer));
    });
    const { client } = createTestClient(server.url, {
      timeouts: { bodyMs: 200 },
      responseLimits: { maxTotalMs: 400 },
    });
    const started = performance.now();
    const response = await client.request({ method: 'GET', path: '/posture', label: 'postureInfo policy 1' });
    const error = await response.text().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).message).toContain(
      'postureInfo policy 1: the response body did not finish within 400 ms',
    );
    expect((error as TransientError).details).toMatchObject({ reason: 'timeout', phase: 'body' });
    expect(performance.now() - started).toBeLessThan(3000);
    expect(client.limits().active).toBe(0);
    await client.close();
  });

  it('issue 13: an endless body fails at the size bound while it streams', async () => {
    server = await startTestServer((_request, response) => {
      response.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (!response.destroyed && response.write(chunk)) {}
        if (!response.destroyed) response.once('drain', pump);
      };
      pump();
    });
    const { client } = createTestClient(server.url, { responseLimits: { maxBytes: 4 * 1024 * 1024 } });
    const response = await client.request({ method: 'GET', path: '/report' });
    let streamed = 0;
    const error = await (async () => {
      for await (const chunk of response.body) streamed += (chunk as Buffer).length;
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadResponseError);
    expect((error as Error).message).toContain('passed 4194304 bytes without ending');
    expect(streamed).toBeLessThanOrEqual(4 * 1024 * 1024);
    await client.close();
  });
});
