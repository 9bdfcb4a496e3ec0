import { afterEach, describe, expect, it } from 'vitest';
import { BadResponseError } from '../errors/index.ts';
import { readSmallBody } from './read-small-body.ts';
import { createTestClient } from './test-client.ts';
import { startTestServer, type TestServer } from './test-server.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('readSmallBody', () => {
  it('issue 13: stops reading an endless small answer at the limit with a bad-response error', async () => {
    let written = 0;
    server = await startTestServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/xml' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (written < 64 * 1024 * 1024 && response.write(chunk)) written += chunk.length;
        if (written < 64 * 1024 * 1024) response.once('drain', pump);
        else response.end();
      };
      response.on('close', () => response.removeAllListeners('drain'));
      pump();
    });
    const { client } = createTestClient(server.url);
    const response = await client.request({ method: 'GET', path: '/login' });
    const error = await readSmallBody(response, 'session login', 256 * 1024).catch((e) => e);
    expect(error).toBeInstanceOf(BadResponseError);
    expect(error.code).toBe('PS_ERR_BAD_RESPONSE');
    expect(error.message).toContain('session login: the answer is larger than 262144 bytes');
    expect(written).toBeLessThan(32 * 1024 * 1024);
    await client.close();
  });

  it('returns a body under the limit whole', async () => {
    server = await startTestServer((_request, response) => {
      response.writeHead(200).end('<OK/>');
    });
    const { client } = createTestClient(server.url);
    expect(await readSmallBody(await client.request({ method: 'GET', path: '/' }), 'x')).toBe('<OK/>');
    await client.close();
  });
});
