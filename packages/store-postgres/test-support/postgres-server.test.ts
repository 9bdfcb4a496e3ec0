import { existsSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPostgresBinaries, type PostgresServer, startPostgresServer } from './postgres-server.ts';

describe('the test PostgreSQL server', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgresServer();
  });
  afterAll(() => server?.stop());

  it('is a real server on loopback that wants the password from the environment', async () => {
    expect(server.url).toMatch(/^postgresql:\/\/posturesync@127\.0\.0\.1:\d+\/posturesync_test$/);
    expect(server.url).not.toContain(server.password);
    const client = new pg.Client({ ...server.clientConfig() });
    await client.connect();
    const { rows } = await client.query<{ version: string }>('SELECT version() AS version');
    await client.end();
    expect(rows[0]?.version).toMatch(/^PostgreSQL \d+/);

    const wrong = new pg.Client({ ...server.clientConfig(), password: 'not-the-password' });
    await expect(wrong.connect()).rejects.toThrow(/password authentication failed/);
  });

  it('creates further databases', async () => {
    await server.createDatabase('second_one');
    const client = new pg.Client({ ...server.clientConfig('second_one') });
    await client.connect();
    const { rows } = await client.query<{ name: string }>('SELECT current_database() AS name');
    await client.end();
    expect(rows[0]?.name).toBe('second_one');
  });

  it('stops and removes its directory', async () => {
    const other = await startPostgresServer({ database: 'short_lived' });
    const client = new pg.Client(other.clientConfig());
    await client.connect();
    const { rows } = await client.query<{ directory: string }>(
      "SELECT current_setting('data_directory') AS directory",
    );
    await client.end();
    const directory = rows[0]?.directory as string;
    expect(existsSync(directory)).toBe(true);
    other.stop();
    other.stop();
    expect(existsSync(directory)).toBe(false);
    const late = new pg.Client({ ...other.clientConfig(), connectionTimeoutMillis: 2000 });
    await expect(late.connect()).rejects.toThrow();
  });

  it('names what is missing when PostgreSQL is not installed', () => {
    expect(() => findPostgresBinaries({ POSTURESYNC_PG_BIN: '/nonexistent/bin' })).toThrow(
      /does not hold initdb and pg_ctl\. Install the PostgreSQL server \(Debian\/Ubuntu: `apt-get install -y postgresql`/,
    );
  });
});
