import type { RateWindowSnapshot, RateWindowStore } from '@posturesync/core';
import {
  createTestClient as createHttpOnlyTestClient,
  startTestServer,
  type TestServer,
} from '@posturesync/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { qualysResponseClassifier } from './qualys-response-classifier.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server allowing `requests` arrivals per sliding `windowMs`, answering 429 (with or without headers) above it. */
function limitedServer(requests: number, windowMs: number, headers: boolean) {
  const accepted: number[] = [];
  const log: Array<{ path: string; status: number }> = [];
  return {
    accepted,
    log,
    refused: () => log.filter((entry) => entry.status === 429).length,
    handler: (request: import('node:http').IncomingMessage, response: import('node:http').ServerResponse) => {
      const now = Date.now();
      while (accepted.length > 0 && (accepted[0] ?? 0) <= now - windowMs) accepted.shift();
      const path = request.url ?? '';
      const rateHeaders: Record<string, string> = headers
        ? { 'x-ratelimit-limit': String(requests), 'x-ratelimit-window-sec': String(windowMs / 1000) }
        : {};
      if (accepted.length >= requests) {
        const wait = Math.max(1, Math.ceil(((accepted[0] ?? now) + windowMs - now) / 1000));
        log.push({ path, status: 429 });
        response
          .writeHead(429, headers ? { ...rateHeaders, 'retry-after': String(wait) } : {})
          .end('{"status":429}');
        return;
      }
      accepted.push(now);
      log.push({ path, status: 200 });
      response.writeHead(200, rateHeaders).end('ok');
    },
  };
}

/** The core test client with the Qualys classifier, as both connectors configure it. */
const createTestClient: typeof createHttpOnlyTestClient = (baseUrl, overrides = {}) =>
  createHttpOnlyTestClient(baseUrl, { responseClassifier: qualysResponseClassifier, ...overrides });

describe('HTTP client throttling (issue 12)', () => {
  it('a request refused by the server goes first when the window reopens', async () => {
    const arrivals: string[] = [];
    let refusedOnce = false;
    server = await startTestServer((request, response) => {
      arrivals.push(request.url ?? '');
      if (request.url === '/a' && !refusedOnce) {
        refusedOnce = true;
        response.writeHead(429, { 'retry-after': '1' }).end();
        return;
      }
      response.writeHead(200).end('ok');
    });
    const { client } = createTestClient(server.url, { maxConcurrency: 1 });
    const first = client.request({ method: 'GET', path: '/a' });
    const second = client.request({ method: 'GET', path: '/b' });
    await Promise.all([(await first).text(), (await second).text()]);
    expect(arrivals).toEqual(['/a', '/a', '/b']);
    await client.close();
  });

  it('server limit lower than configured: lowers its rate to what the server accepted and finishes every call', async () => {
    const limited = limitedServer(3, 600, false);
    server = await startTestServer(limited.handler);
    const { client, metrics } = createTestClient(server.url, {
      realSleep: true,
      maxConcurrency: 2,
      rateLimit: { requests: 10, perMs: 600 },
      retry: { maxRetries: 0 },
    });
    const started = Date.now();
    const bodies = await Promise.all(
      Array.from({ length: 9 }, async (_, index) =>
        (await client.request({ method: 'GET', path: `/${index}` })).text(),
      ),
    );
    expect(bodies).toEqual(Array(9).fill('ok'));
    const windows = Math.ceil((Date.now() - started) / 600);
    // The first refusal lowers the rate (a second call may already be on its way, 2 at a time);
    // after that at most one refusal per window, from probing a step higher after quiet windows.
    expect(limited.refused()).toBeLessThanOrEqual(1 + windows);
    expect(metrics.throttledWaits).toBe(limited.refused());
    expect(metrics.retries).toBe(0);
    expect(client.limits().rateLimit?.requests).toBeLessThanOrEqual(4);
    // The server's own minimum for 9 calls at 3 per 600 ms is 1200 ms: stay close to it.
    expect(Date.now() - started).toBeLessThan(1200 * 1.5);
    await client.close();
  });

  it('pacing off: X-RateLimit-Limit / -Window-Sec are adopted, so no call is refused', async () => {
    const limited = limitedServer(3, 500, true);
    server = await startTestServer(limited.handler);
    const { client } = createTestClient(server.url, { realSleep: true, maxConcurrency: 1 });
    for (let index = 0; index < 7; index++)
      await (await client.request({ method: 'GET', path: `/${index}` })).dump();
    expect(limited.refused()).toBe(0);
    expect(client.limits().rateLimit).toEqual({ requests: 3, perMs: 500 });
    await client.close();
  });

  it('the window outlives the client: a second client on the same store meets no 429', async () => {
    const limited = limitedServer(4, 1500, false);
    server = await startTestServer(limited.handler);
    const rows = new Map<string, RateWindowSnapshot>();
    const store: RateWindowStore = {
      load: (key) => rows.get(`${key.api}|${key.subscription}`) ?? null,
      save: (key, snapshot) => void rows.set(`${key.api}|${key.subscription}`, snapshot),
    };
    const options = {
      realSleep: true,
      rateLimit: { requests: 4, perMs: 1500 },
      rateWindow: { store, key: { api: server.url, subscription: 'alice' } },
    } as const;
    const first = createTestClient(server.url, options);
    for (let index = 0; index < 3; index++)
      await (await first.client.request({ method: 'GET', path: '/x' })).dump();
    await first.client.close();
    const second = createTestClient(server.url, options);
    for (let index = 0; index < 3; index++)
      await (await second.client.request({ method: 'GET', path: '/y' })).dump();
    await second.client.close();
    expect(limited.refused()).toBe(0);
    expect(second.metrics.rateLimitWaits).toBeGreaterThan(0);
    // Only a limit learned from refusals is kept: the configured one comes back with the config.
    expect([...rows.values()][0]?.limit).toBeNull();
  });
});
