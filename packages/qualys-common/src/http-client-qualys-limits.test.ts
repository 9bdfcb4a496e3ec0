import { PermissionError, RateLimitedError } from '@posturesync/core';
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

function simpleReturn(code: string, text: string, items: Record<string, string> = {}): string {
  const list = Object.entries(items)
    .map(([key, value]) => `<ITEM><KEY>${key}</KEY><VALUE>${value}</VALUE></ITEM>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8" ?>
<!DOCTYPE SIMPLE_RETURN SYSTEM "https://qualysapi.qualys.com/api/2.0/simple_return.dtd">
<SIMPLE_RETURN><RESPONSE><DATETIME>2024-05-01T12:00:00Z </DATETIME><CODE>${code}</CODE><TEXT> ${text}</TEXT>${
    list ? `<ITEM_LIST>${list}</ITEM_LIST>` : ''
  }</RESPONSE></SIMPLE_RETURN>`;
}

/** Answers the given (status, headers, body) in turn, then 200 "ok". */
function scripted(answers: Array<[number, Record<string, string>, string]>) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    handler: (_request: unknown, response: import('node:http').ServerResponse) => {
      const answer = answers[calls++];
      if (answer) response.writeHead(answer[0], answer[1]).end(answer[2]);
      else response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    },
  };
}

/** The core test client with the Qualys classifier, as both connectors configure it. */
const createTestClient: typeof createHttpOnlyTestClient = (baseUrl, overrides = {}) =>
  createHttpOnlyTestClient(baseUrl, { responseClassifier: qualysResponseClassifier, ...overrides });

describe('HTTP client and Qualys limits', () => {
  it('honours Retry-After on 429, pausing every call through the client', async () => {
    const script = scripted([[429, { 'retry-after': '3' }, '']]);
    server = await startTestServer(script.handler);
    const { client, waits, metrics } = createTestClient(server.url);
    expect(await (await client.request({ method: 'GET', path: '/x' })).text()).toBe('ok');
    expect(waits).toEqual([3000]);
    // Throttling is counted apart from retries: it is a slow-down, not a failure.
    expect(metrics.retries).toBe(0);
    expect(metrics.throttledWaits).toBe(1);
    expect(metrics.throttledWaitMs).toBe(3000);
    expect(metrics.rateLimitWaits).toBe(1);
    expect(metrics.rateLimitWaitMs).toBeGreaterThan(2900);
    await client.close();
  });

  it('409 code 1965 waits the longest of X-RateLimit-ToWait-Sec and SECONDS_TO_WAIT, even for a POST', async () => {
    const script = scripted([
      [
        409,
        { 'x-ratelimit-remaining': '0', 'x-ratelimit-towait-sec': '4', 'content-type': 'text/xml' },
        simpleReturn('1965', 'This API cannot be run again for another 6 seconds.', { SECONDS_TO_WAIT: '6' }),
      ],
      [
        409,
        { 'x-ratelimit-remaining': '0', 'x-ratelimit-towait-sec': '2' },
        simpleReturn('1965', 'This API cannot be run again for another 1 seconds.'),
      ],
    ]);
    server = await startTestServer(script.handler);
    const { client, waits, metrics } = createTestClient(server.url);
    const response = await client.request({
      method: 'POST',
      path: '/api/2.0/fo/report/',
      body: 'action=launch',
    });
    expect(await response.text()).toBe('ok');
    expect(script.calls).toBe(3);
    expect(waits.map((ms) => Math.round(ms / 100) * 100)).toEqual([6000, 2000]);
    expect(metrics.rateLimitWaits).toBe(2);
    await client.close();
  });

  it('409 code 1965 asking for hours fails at once with RateLimitedError saying when to retry', async () => {
    const script = scripted([
      [
        409,
        {},
        simpleReturn(
          '1965',
          'This API cannot be run again for another 23 hours, 57 minutes and 54 seconds.',
          {
            SECONDS_TO_WAIT: '68928',
          },
        ),
      ],
    ]);
    server = await startTestServer(script.handler);
    const { client, waits } = createTestClient(server.url);
    const error = await client.request({ method: 'GET', path: '/x', label: 'report list' }).catch((e) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error.retryAfterMs).toBe(68_928_000);
    expect(error.message).toMatch(/wait 19 h 8 min \(until \d{4}-\d\d-\d\dT/);
    expect(script.calls).toBe(1);
    expect(waits).toEqual([]);
    await client.close();
  });

  it('409 code 1960 without a wait backs off (no jitter) and adopts the server concurrency limit', async () => {
    const script = scripted([
      [
        409,
        { 'x-concurrency-limit-limit': '1', 'x-concurrency-limit-running': '1' },
        simpleReturn(
          '1960',
          'This API cannot be run again until 1 currently running API instance has finished.',
          {
            CALLS_TO_FINISH: '1',
          },
        ),
      ],
    ]);
    server = await startTestServer(script.handler);
    const { client, waits } = createTestClient(server.url, { maxConcurrency: 3 });
    expect(await (await client.request({ method: 'GET', path: '/x' })).text()).toBe('ok');
    expect(waits).toEqual([1000]);
    expect(client.limits().concurrencyLimit).toBe(1);
    await client.close();
  });

  it('409 code 2003 is a PermissionError with the Qualys code and text, not retried', async () => {
    const script = scripted([
      [
        409,
        {},
        simpleReturn(
          '2003',
          'Registration must be completed before API requests will be served for this account',
        ),
      ],
    ]);
    server = await startTestServer(script.handler);
    const { client } = createTestClient(server.url);
    const error = await client.request({ method: 'GET', path: '/x' }).catch((e) => e);
    expect(error).toBeInstanceOf(PermissionError);
    expect(error.details).toMatchObject({ status: 409, qualysCode: '2003' });
    expect(error.message).toContain('code 2003');
    expect(error.message).toContain('Registration must be completed');
    expect(script.calls).toBe(1);
    await client.close();
  });

  it('issue 12: throttle answers do not draw on maxRetries', async () => {
    const busy: [number, Record<string, string>, string] = [429, { 'retry-after': '2' }, ''];
    const script = scripted([busy, busy, busy, busy]);
    server = await startTestServer(script.handler);
    const { client, metrics } = createTestClient(server.url, { retry: { maxRetries: 0 } });
    expect(await (await client.request({ method: 'GET', path: '/x' })).text()).toBe('ok');
    expect(script.calls).toBe(5);
    expect(metrics.retries).toBe(0);
    expect(metrics.throttledWaits).toBe(4);
    expect(client.limits()).toMatchObject({ throttleWaits: 4, throttleWaitMs: 8000 });
    await client.close();
  });

  it('issue 12: gives up only when the throttling budget is spent, saying how long, how often and what to change', async () => {
    const busy: [number, Record<string, string>, string] = [429, { 'retry-after': '40' }, ''];
    const script = scripted(Array.from({ length: 10 }, () => busy));
    server = await startTestServer(script.handler);
    const { client } = createTestClient(server.url, {
      maxThrottleWaitMs: 100_000,
      throttleHint: 'Raise `maxThrottleWaitMinutes` or lower `parallelRequests`.',
      serviceName: 'Qualys',
    });
    const error = await client.request({ method: 'GET', path: '/x', label: 'policy list' }).catch((e) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(script.calls).toBe(3);
    expect(error.message).toBe(
      'policy list: the Qualys rate limit kept refusing calls (HTTP 429). This run already waited 80 s for it over 2 throttle waits, and waiting 40 s more would exceed the throttling budget of 100 s. Raise `maxThrottleWaitMinutes` or lower `parallelRequests`.',
    );
    expect(error.message).not.toContain('maxConcurrency');
    expect(error.details).toMatchObject({ limit: 'rate', throttleWaits: 2, throttleWaitMs: 80_000 });
    expect(error.retryAfterMs).toBe(40_000);
    await client.close();
  });

  it('pauses proactively when a successful answer says the rate window is used up', async () => {
    server = await startTestServer((_request, response) => {
      response.writeHead(200, { 'x-ratelimit-remaining': '0', 'x-ratelimit-towait-sec': '2' }).end('ok');
    });
    const { client, waits, metrics } = createTestClient(server.url);
    await (await client.request({ method: 'GET', path: '/a' })).dump();
    expect(waits).toEqual([]);
    expect(client.limits().pausedUntil).toBeInstanceOf(Date);
    await (await client.request({ method: 'GET', path: '/b' })).dump();
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(1900);
    expect(metrics.rateLimitWaits).toBe(1);
    await client.close();
  });

  it('lowers its concurrency proactively to X-Concurrency-Limit-Limit', async () => {
    let running = 0;
    let peak = 0;
    server = await startTestServer((_request, response) => {
      running++;
      peak = Math.max(peak, running);
      response.writeHead(200, { 'x-concurrency-limit-limit': '1' });
      setTimeout(() => {
        running--;
        response.end('ok');
      }, 15);
    });
    const { client } = createTestClient(server.url, { maxConcurrency: 4 });
    await (await client.request({ method: 'GET', path: '/first' })).text();
    peak = 0;
    await Promise.all(
      Array.from({ length: 5 }, async () => (await client.request({ method: 'GET', path: '/x' })).text()),
    );
    expect(peak).toBe(1);
    await client.close();
  });
});
