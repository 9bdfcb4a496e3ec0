import { describeStoreContract } from '@posturesync/engine/testing';
import { afterAll, beforeAll } from 'vitest';
import { PostgresStore } from '../src/index.ts';
import { type PostgresServer, startPostgresServer } from '../test-support/index.ts';

// The engine's store contract on a real PostgreSQL server; each test gets a schema of its own.
let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgresServer();
});
afterAll(() => server?.stop());
let schemas = 0;

describeStoreContract({
  name: 'postgres',
  openStore: () => {
    schemas += 1;
    return PostgresStore.open({ url: `${server.url}?schema=contract_${schemas}`, env: server.env });
  },
  openSecondConnection: (store) =>
    PostgresStore.open({ url: (store as PostgresStore).location, env: server.env }),
});
