import { randomUUID } from 'node:crypto';
import { hostname as osHostname } from 'node:os';
import { LockHeldError } from '@posturesync/core';
import type { LockHolder, SyncLock } from '@posturesync/engine';
import type Database from 'better-sqlite3';

interface LockRow {
  token: string;
  pid: number;
  hostname: string;
  instance: string;
  started_at: string;
}

/** True when `pid` is a live process on this machine (EPERM means alive but not ours). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function holderOf(row: LockRow): LockHolder {
  return { pid: row.pid, hostname: row.hostname, instance: row.instance, startedAt: row.started_at };
}

export function readLock(db: Database.Database): LockHolder | null {
  const row = db.prepare('SELECT * FROM sync_lock WHERE id = 1').get() as LockRow | undefined;
  return row ? holderOf(row) : null;
}

export interface AcquireLockOptions {
  instance: string;
  databasePath: string;
  now?: Date;
  /** Injectable for tests; defaults to the real pid, host name and liveness check. */
  pid?: number;
  hostname?: string;
  isAlive?: (pid: number) => boolean;
}

/**
 * Takes the one-sync-per-database lock. The row survives a killed process, so a holder is
 * checked for liveness: a dead pid on this host is taken over. A holder on another host
 * cannot be checked and is respected.
 */
export function acquireLock(db: Database.Database, options: AcquireLockOptions): SyncLock {
  const pid = options.pid ?? process.pid;
  const hostname = options.hostname ?? osHostname();
  const isAlive = options.isAlive ?? isProcessAlive;
  const startedAt = (options.now ?? new Date()).toISOString();
  const token = randomUUID();
  const take = db.transaction((): SyncLock => {
    const row = db.prepare('SELECT * FROM sync_lock WHERE id = 1').get() as LockRow | undefined;
    let takenOverFrom: LockHolder | null = null;
    if (row) {
      const holder = holderOf(row);
      const sameHost = row.hostname === hostname;
      if (!sameHost || isAlive(row.pid)) {
        const where = sameHost ? 'on this machine' : `on host ${row.hostname}`;
        const hint = sameHost
          ? 'Wait for it to finish, or stop that process first.'
          : `If no sync is running on ${row.hostname}, remove the lock with: sqlite3 "${options.databasePath}" "DELETE FROM sync_lock"`;
        throw new LockHeldError(
          `Another sync holds the lock on ${options.databasePath}: pid ${row.pid} ${where}, ` +
            `instance "${row.instance}", since ${row.started_at}. ${hint}`,
          { details: { ...holder, databasePath: options.databasePath } },
        );
      }
      takenOverFrom = holder;
    }
    db.prepare(
      `INSERT INTO sync_lock (id, token, pid, hostname, instance, started_at) VALUES (1, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET token = excluded.token, pid = excluded.pid, hostname = excluded.hostname,
         instance = excluded.instance, started_at = excluded.started_at`,
    ).run(token, pid, hostname, options.instance, startedAt);
    return { token, pid, hostname, instance: options.instance, startedAt, takenOverFrom };
  });
  // IMMEDIATE: two processes racing for the lock serialise on SQLite's write lock.
  return take.immediate();
}

/** Releases the lock only if this holder still owns it (a takeover must not be undone). */
export function releaseLock(db: Database.Database, lock: Pick<SyncLock, 'token'>): boolean {
  return db.prepare('DELETE FROM sync_lock WHERE id = 1 AND token = ?').run(lock.token).changes > 0;
}
