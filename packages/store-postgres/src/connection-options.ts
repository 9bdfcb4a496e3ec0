import { StoreError } from '@posturesync/core';
import type { ClientConfig } from 'pg';

/** `ssl` of a `database:` block: `true`/`require` encrypts; `verify-full` also checks the server's certificate and name. */
export type PostgresSslMode = boolean | 'disable' | 'require' | 'verify-ca' | 'verify-full';

/**
 * Where the PostgreSQL store connects: a `postgres://` / `postgresql://` URL, or the same as
 * separate fields (the config file's `database:` block). The password never comes from here:
 * only from the environment (`PGPASSWORD`, or the variable named by `passwordEnv`), so it never
 * sits in a config file, a command line or a message.
 */
export interface PostgresConnectionOptions {
  url?: string;
  host?: string;
  port?: number;
  user?: string;
  database?: string;
  ssl?: PostgresSslMode;
  /** Name of the environment variable holding the password; default `PGPASSWORD`. */
  passwordEnv?: string;
  /** Schema holding posturesync's tables; default `posturesync` (URL: `?schema=`). */
  schema?: string;
}

export interface ResolvedConnection {
  client: ClientConfig;
  schema: string;
  /** `postgresql://user@host:port/database?schema=...`: never a password. */
  location: string;
}

export const defaultSchema = 'posturesync';

/** Unquoted lower-case identifiers only: the schema name goes into SQL text and the search_path. */
const schemaPattern = /^[a-z_][a-z0-9_]{0,62}$/;

export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value.trim());
}

function sslConfig(mode: PostgresSslMode | undefined): ClientConfig['ssl'] {
  if (mode === undefined || mode === false || mode === 'disable') return false;
  if (mode === 'verify-full' || mode === 'verify-ca') return { rejectUnauthorized: true };
  // `require` (libpq's meaning): encrypted, certificate not checked.
  return { rejectUnauthorized: false };
}

function sslModeOf(value: string | null): PostgresSslMode | undefined {
  if (value === null) return undefined;
  switch (value) {
    case 'disable':
    case 'allow':
    case 'prefer':
      // libpq's opportunistic modes; node-postgres cannot fall back, so they mean no TLS.
      return 'disable';
    case 'require':
    case 'verify-ca':
    case 'verify-full':
      return value;
    default:
      throw new StoreError(
        `Unsupported sslmode "${value}" in the PostgreSQL URL: use disable, require, verify-ca or verify-full.`,
        { details: { sslmode: value } },
      );
  }
}

/** A URL without any password in it, for messages. */
function describe(host: string, port: number, user: string, database: string, schema: string): string {
  const userPart = user === '' ? '' : `${encodeURIComponent(user)}@`;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  const schemaPart = schema === defaultSchema ? '' : `?schema=${schema}`;
  return `postgresql://${userPart}${hostPart}:${port}/${encodeURIComponent(database)}${schemaPart}`;
}

/**
 * Builds the client settings. A password written in the URL is refused (it would end up in
 * shell history, process lists and config files); the message says where to put it instead,
 * and does not repeat it.
 */
export function resolveConnection(
  options: PostgresConnectionOptions,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedConnection {
  let host = options.host;
  let port = options.port;
  let user = options.user;
  let database = options.database;
  let ssl = options.ssl;
  let schema = options.schema;
  let passwordEnv = options.passwordEnv;
  if (options.url !== undefined) {
    let url: URL;
    try {
      url = new URL(options.url.trim());
    } catch {
      throw new StoreError(
        'The PostgreSQL URL is not a valid URL: use postgresql://user@host:5432/database?sslmode=require.',
      );
    }
    if (!/^postgres(ql)?:$/.test(url.protocol)) {
      throw new StoreError(
        `Not a PostgreSQL URL (${url.protocol}//...): use postgresql://user@host:5432/database.`,
      );
    }
    if (url.password !== '') {
      throw new StoreError(
        'The PostgreSQL URL contains a password: remove it from the URL and put it in the PGPASSWORD ' +
          "environment variable (or the variable named by the database block's passwordEnv).",
      );
    }
    host ??= decodeURIComponent(url.hostname.replace(/^\[|\]$/g, ''));
    if (url.port !== '') port ??= Number(url.port);
    if (url.username !== '') user ??= decodeURIComponent(url.username);
    const path = decodeURIComponent(url.pathname.replace(/^\//, ''));
    if (path !== '') database ??= path;
    ssl ??= sslModeOf(url.searchParams.get('sslmode'));
    schema ??= url.searchParams.get('schema') ?? undefined;
    const namedVariable = url.searchParams.get('passwordEnv');
    if (namedVariable !== null && namedVariable !== '') passwordEnv ??= namedVariable;
  }
  host = host || env.PGHOST || 'localhost';
  port = port ?? (env.PGPORT ? Number(env.PGPORT) : 5432);
  user = user || env.PGUSER || '';
  database = database || env.PGDATABASE || user || 'posturesync';
  schema = schema ?? defaultSchema;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new StoreError(`Invalid PostgreSQL port ${String(port)}: use a number from 1 to 65535.`);
  }
  if (!schemaPattern.test(schema)) {
    throw new StoreError(
      `Invalid PostgreSQL schema name "${schema}": use lower-case letters, digits and _ (at most 63, not starting with a digit).`,
    );
  }
  const passwordVariable = passwordEnv ?? 'PGPASSWORD';
  const password = env[passwordVariable];
  const client: ClientConfig = {
    host,
    port,
    database,
    ssl: sslConfig(ssl),
    application_name: 'posturesync',
    // Every session works in the store's schema; temporary staging tables live in pg_temp.
    // synchronous_commit=off: the SQLite store's guarantee (synchronous=NORMAL): a server crash
    // may lose the last few committed batches, never corrupts, and since each batch commits with
    // its checkpoint the next sync repeats exactly what was lost. A commit no longer waits for
    // the WAL flush (measured: 1.77x -> 1.28x of SQLite's time on a 20k-finding PCRS sync).
    options: `-c search_path=${schema} -c synchronous_commit=off`,
  };
  if (user !== '') client.user = user;
  if (password !== undefined && password !== '') client.password = password;
  return { client, schema, location: describe(host, port, user, database, schema) };
}

/**
 * The `database:` block of a config file as one URL (what `--db` takes), so the rest of the CLI
 * passes a database around as one string: a path or a PostgreSQL URL. The block has no password
 * field on purpose; `passwordEnv` travels as a URL parameter naming the variable, never its value.
 */
export function postgresUrlFromFields(
  fields: {
    [Key in Exclude<keyof PostgresConnectionOptions, 'url'>]?: PostgresConnectionOptions[Key] | undefined;
  },
): string {
  const host = fields.host ?? 'localhost';
  const hostPart = host.includes(':') ? `[${host}]` : host;
  const userPart = fields.user ? `${encodeURIComponent(fields.user)}@` : '';
  const params = new URLSearchParams();
  if (fields.ssl !== undefined && fields.ssl !== false)
    params.set('sslmode', fields.ssl === true ? 'require' : fields.ssl);
  if (fields.schema !== undefined) params.set('schema', fields.schema);
  if (fields.passwordEnv !== undefined) params.set('passwordEnv', fields.passwordEnv);
  const query = params.size > 0 ? `?${params.toString()}` : '';
  return `postgresql://${userPart}${hostPart}:${fields.port ?? 5432}/${encodeURIComponent(fields.database ?? '')}${query}`;
}
