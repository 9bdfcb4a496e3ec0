import { StoreError } from '@posturesync/core';

/**
 * SQLSTATE classes and socket errors that mean the database or the way to it refused (down,
 * unreachable, wrong password, out of space, read-only), not a bug: the user fixes them, so they
 * are store errors (exit 5) with a hint. Anything else (a bug in a statement) is left as it is.
 * Messages name the location, which never holds a password; PostgreSQL's own messages do not
 * echo passwords either.
 */
const hints: ReadonlyArray<readonly [RegExp, string]> = [
  [/^08/, 'the connection to the server failed; check that it is running and reachable'],
  [
    /^28/,
    'the server refused the login; check the user, and the password in PGPASSWORD (or the variable passwordEnv names)',
  ],
  [/^3D000$/, 'the database does not exist; create it first (createdb) or fix the URL'],
  [/^53/, 'the server ran out of a resource (disk, memory or connections); free it and run the sync again'],
  [/^57/, 'the server is shutting down or cancelled the statement; run the sync again'],
  [/^25006$/, 'the store or the server is read-only (a replica?); point posturesync at the primary'],
  [
    /^42501$/,
    'the user lacks a privilege on the schema or a table; grant it (see the store-postgres README)',
  ],
  [
    /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|EPIPE)$/,
    'the server cannot be reached; check the host, the port and that it is running',
  ],
];

function codeOf(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}

const verbs = { open: 'open', read: 'read from', write: 'write to', lock: 'take the sync lock on' } as const;

/** A StoreError for a database failure, or null when `error` is something else. */
export function storeFailure(
  error: unknown,
  location: string,
  action: 'open' | 'read' | 'write' | 'lock',
): StoreError | null {
  if (error instanceof StoreError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = codeOf(error);
  if (/client password must be a string/i.test(message)) {
    // node-postgres' words when the server wants a password and the client has none.
    return new StoreError(
      `Cannot ${verbs[action]} the PostgreSQL database at ${location}: the server asks for a password and none is set: ` +
        "put it in PGPASSWORD (or the variable the database block's passwordEnv names).",
      { cause: error, details: { location } },
    );
  }
  const lost =
    /Connection terminated|connection timeout|Client has encountered a connection error|read-only/i.test(
      message,
    );
  const match = code === null ? undefined : hints.find(([pattern]) => pattern.test(code));
  if (!match && !lost) return null;
  const hint = match?.[1] ?? 'the connection to the server was lost; check the server and run the sync again';
  const verb = verbs[action];
  return new StoreError(
    `Cannot ${verb} the PostgreSQL database at ${location}: ${message}${code ? ` (${code})` : ''}: ${hint}.`,
    {
      cause: error,
      details: { location, ...(code ? { sqlState: code } : {}) },
    },
  );
}
