import { describe, expect, it } from 'vitest';
import { isPostgresUrl, postgresUrlFromFields, resolveConnection } from './connection-options.ts';

describe('resolveConnection', () => {
  it('reads host, port, user, database, sslmode and schema from the URL and the password from PGPASSWORD', () => {
    const resolved = resolveConnection(
      { url: 'postgresql://sync%40corp@db.example.com:6432/compliance?sslmode=require&schema=eu_data' },
      { PGPASSWORD: 's3cret' },
    );
    expect(resolved.client).toMatchObject({
      host: 'db.example.com',
      port: 6432,
      user: 'sync@corp',
      database: 'compliance',
      password: 's3cret',
      ssl: { rejectUnauthorized: false },
      options: '-c search_path=eu_data -c synchronous_commit=off',
    });
    expect(resolved.schema).toBe('eu_data');
    expect(resolved.location).toBe('postgresql://sync%40corp@db.example.com:6432/compliance?schema=eu_data');
  });

  it('takes the password from the variable passwordEnv names (option or URL parameter)', () => {
    const env = { PGPASSWORD: 'wrong', POSTURESYNC_DB_PASSWORD: 'right' };
    expect(
      resolveConnection({ url: 'postgres://u@h/d', passwordEnv: 'POSTURESYNC_DB_PASSWORD' }, env).client
        .password,
    ).toBe('right');
    expect(
      resolveConnection({ url: 'postgres://u@h/d?passwordEnv=POSTURESYNC_DB_PASSWORD' }, env).client.password,
    ).toBe('right');
    expect(resolveConnection({ url: 'postgres://u@h/d' }, {}).client.password).toBeUndefined();
  });

  it('refuses a password in the URL without repeating it', () => {
    expect(() => resolveConnection({ url: 'postgresql://u:pa55word@h/d' }, {})).toThrow(
      /contains a password: remove it from the URL and put it in the PGPASSWORD environment variable/,
    );
    try {
      resolveConnection({ url: 'postgresql://u:pa55word@h/d' }, {});
    } catch (error) {
      expect((error as Error).message).not.toContain('pa55word');
    }
  });

  it('names a bad schema, port or sslmode', () => {
    expect(() => resolveConnection({ url: 'postgres://u@h/d?schema=Bad-Name' }, {})).toThrow(
      /Invalid PostgreSQL schema name "Bad-Name"/,
    );
    expect(() => resolveConnection({ host: 'h', port: 70000 }, {})).toThrow(/Invalid PostgreSQL port 70000/);
    expect(() => resolveConnection({ url: 'postgres://u@h/d?sslmode=sometimes' }, {})).toThrow(
      /Unsupported sslmode "sometimes"/,
    );
  });

  it('falls back to the libpq environment and defaults', () => {
    const resolved = resolveConnection({}, { PGHOST: 'pg.internal', PGPORT: '5433', PGUSER: 'me' });
    expect(resolved.client).toMatchObject({
      host: 'pg.internal',
      port: 5433,
      user: 'me',
      database: 'me',
      ssl: false,
    });
    expect(resolved.location).toBe('postgresql://me@pg.internal:5433/me');
  });
});

describe('postgresUrlFromFields', () => {
  it('turns a database block into the URL --db takes, with no password in it', () => {
    const url = postgresUrlFromFields({
      host: 'db',
      port: 5433,
      user: 'sync',
      database: 'c',
      ssl: 'verify-full',
      schema: 's',
      passwordEnv: 'DB_PW',
    });
    expect(url).toBe('postgresql://sync@db:5433/c?sslmode=verify-full&schema=s&passwordEnv=DB_PW');
    expect(resolveConnection({ url }, { DB_PW: 'x' }).client).toMatchObject({
      host: 'db',
      port: 5433,
      user: 'sync',
      database: 'c',
      password: 'x',
    });
    expect(isPostgresUrl(url)).toBe(true);
    expect(isPostgresUrl('./posturesync.db')).toBe(false);
  });
});
