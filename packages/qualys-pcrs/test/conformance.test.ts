import { once } from 'node:events';
import { createServer } from 'node:net';
import { describeConnectorConformance } from '@posturesync/engine/testing';
import { SqliteStore } from '@posturesync/store-sqlite';
import type { QualysPcrsConfigInput } from '../src/config-schema.ts';
import { qualysPcrsConnector } from '../src/connector.ts';
import { credentials, startSimulator } from './support.ts';

async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describeConnectorConformance({
  // The kit parses the input form with the schema, defaults included.
  definition: qualysPcrsConnector as never,
  setup: async () => {
    const simulator = await startSimulator();
    const config: QualysPcrsConfigInput = {
      gatewayUrl: simulator.url,
      ...credentials,
      rateLimit: false,
      batchSize: 7,
      maxRetries: 1,
    };
    return {
      config,
      teardown: () => simulator.close(),
      failures: {
        badCredentials: () => ({ ...config, password: 'not-the-password' }),
        unreachable: async () => ({
          ...config,
          gatewayUrl: `http://127.0.0.1:${await closedPort()}`,
          maxRetries: 0,
        }),
        interruptRead: () => {
          simulator.state.setFaults([
            { endpoint: 'postureInfo', kind: 'status500', afterCalls: 2, times: Number.POSITIVE_INFINITY },
          ]);
          return () => simulator.state.setFaults([]);
        },
      },
    };
  },
  invalidConfigs: [
    {
      name: 'a config with neither platform nor gatewayUrl',
      config: { ...credentials },
      expectPath: 'platform',
    },
    {
      name: 'an unknown platform',
      config: { ...credentials, platform: 'MARS1' },
      expectPath: 'platform',
    },
    {
      name: 'too many policies per hostids call',
      config: { ...credentials, platform: 'US1', policiesPerHostIdsCall: 11 },
      expectPath: 'policiesPerHostIdsCall',
    },
    { name: 'a missing username', config: { platform: 'US1', password: 'x' }, expectPath: 'username' },
    {
      name: 'issue 13: a file: gatewayUrl',
      config: { ...credentials, gatewayUrl: 'file:///etc/passwd' },
      expectPath: 'gatewayUrl',
    },
    {
      name: 'issue 13: a plain http gatewayUrl to another host without allowInsecureHttp',
      config: { ...credentials, gatewayUrl: 'http://gateway.example.test' },
      expectPath: 'gatewayUrl',
    },
    {
      name: 'issue 13: credentials inside the gatewayUrl',
      config: { ...credentials, gatewayUrl: 'https://user:pw@gateway.example.test' },
      expectPath: 'gatewayUrl',
    },
  ],
  secretValues: (config) => [(config as QualysPcrsConfigInput).password],
  openStore: () => SqliteStore.open(':memory:'),
});
