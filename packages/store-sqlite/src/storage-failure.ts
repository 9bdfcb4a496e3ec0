import { StoreError } from '@posturesync/core';

/**
 * SQLite result codes that mean the storage itself refused (disk full, read-only file or
 * directory, file gone, I/O error), not a bug: the user fixes them, so they are store errors
 * (exit 5) with a hint, not "unexpected error, please report" (exit 1). Extended codes such as
 * `SQLITE_IOERR_WRITE` or `SQLITE_READONLY_DBMOVED` share the prefix.
 */
const storageCodes: ReadonlyArray<readonly [string, string]> = [
  ['SQLITE_FULL', 'the disk (or the database size limit) is full; free space and run the sync again'],
  [
    'SQLITE_READONLY',
    'the database is read-only; check the permissions of the file and its directory (SQLite also writes the -wal and -shm files beside it)',
  ],
  [
    'SQLITE_CANTOPEN',
    'the database file cannot be opened; check that the path and its directory still exist',
  ],
  ['SQLITE_IOERR', 'the disk reported an I/O error; check the disk and run the sync again'],
];

/** A StoreError for a storage failure, or null when `error` is something else. */
export function storageFailure(error: unknown, path: string): StoreError | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  const match = storageCodes.find(([prefix]) => code === prefix || code.startsWith(`${prefix}_`));
  if (!match) return null;
  const message = error instanceof Error ? error.message : String(error);
  return new StoreError(`Cannot write to the database at ${path}: ${message} (${code}): ${match[1]}.`, {
    cause: error,
    details: { path, sqliteCode: code },
  });
}
