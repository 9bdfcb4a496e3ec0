import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { BadResponseError } from '../errors/index.ts';
import { createTestClient } from './test-client.ts';

let agent: MockAgent | undefined;
afterEach(async () => {
  await agent?.close();
  agent = undefined;
});

describe('HTTP client dispatcher option', () => {
  it('issue 16: sends through a given dispatcher (MockAgent), keeps its rules, and leaves it open on close', async () => {
    agent = new MockAgent();
    agent.disableNetConnect();
    const origin = agent.get('https://api.example.test');
    origin.intercept({ path: '/api/2.0/list?page=1', method: 'GET' }).reply(200, 'first page');
    origin.intercept({ path: '/api/2.0/list?page=2', method: 'GET' }).reply(400, 'bad page');
    origin.intercept({ path: '/api/2.0/after-close', method: 'GET' }).reply(200, 'still open');
    const { client } = createTestClient('https://api.example.test/api/2.0', { dispatcher: agent });

    const response = await client.request({ method: 'GET', path: '/list', query: { page: '1' } });
    expect(await response.text()).toBe('first page');
    const error = await client
      .request({ method: 'GET', path: '/list', query: { page: '2' }, label: 'list page 2' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadResponseError);
    expect((error as BadResponseError).message).toContain('list page 2: unexpected HTTP 400');

    await client.close();
    const { client: second } = createTestClient('https://api.example.test/api/2.0', { dispatcher: agent });
    expect(await (await second.request({ method: 'GET', path: '/after-close' })).text()).toBe('still open');
    await second.close();
  });
});
