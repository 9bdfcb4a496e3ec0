import { randomUUID } from 'node:crypto';
import { hostname as osHostname } from 'node:os';
import { LockHeldError } from '@posturesync/core';
import type { LockHolder, SyncLock } from '@posturesync/engine';
import type pg from 'pg';

interface HolderRow {
  instance: string;
  pid: number;
  hostname: string;
  started_at: string;
}

function holderOf(row: HolderRow): LockHolder {
  return { pid: row.pid, hostname: row.hostname, instance: row.instance, startedAt: row.started_at };
}

/**
 * The advisory lock key of one connector instance in one schema: two schemas (two posturesync
 * deployments in one database) never block each other, and two instances never do. 64-bit
 * hash: a collision would only make two instances take turns, never corrupt anything.
 */
export const lockKeySql = "hashtextextended('posturesync:' || $1 || ':' || $2, 0)";

export async function readHolder(client: pg.ClientBase, instance: string): Promise<LockHolder | null> {
  const { rows } = await client.query<HolderRow>(
    'SELECT instance, pid, hostname, started_at FROM sync_lock WHERE instance = $1',
    [instance],
  );
  return rows[0] ? holderOf(rows[0]) : null;
}

/**
 * Takes the instance's session advisory lock on `client` (a connection kept for the run: the
 * lock lasts as long as that session, so a killed worker's lock goes with its connection).
 * The holder row names who holds it; a row left by a dead worker (its lock is gone) is taken over.
 */
export async function takeAdvisoryLock(
  client: pg.Client,
  schema: string,
  location: string,
  options: { instance: string; now?: Date },
): Promise<SyncLock> {
  const { instance } = options;
  const { rows } = await client.query<{ locked: boolean }>(
    `SELECT pg_try_advisory_lock(${lockKeySql}) AS locked`,
    [schema, instance],
  );
  if (!rows[0]?.locked) {
    const holder = await readHolder(client, instance);
    const who = holder
      ? `pid ${holder.pid} on host ${holder.hostname}, since ${holder.startedAt}`
      : 'another session (it has not recorded its pid and host yet)';
    throw new LockHeldError(
      `Another sync of instance "${instance}" holds its lock on ${location}: ${who}. ` +
        'Wait for it to finish, or stop that worker first (its lock ends with its database connection).',
      { details: { instance, location, ...(holder ?? {}) } },
    );
  }
  const startedAt = (options.now ?? new Date()).toISOString();
  const token = randomUUID();
  const pid = process.pid;
  const hostname = osHostname();
  try {
    const previous = await readHolder(client, instance);
    await client.query(
      `INSERT INTO sync_lock (instance, token, pid, hostname, started_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (instance) DO UPDATE SET token = excluded.token, pid = excluded.pid,
         hostname = excluded.hostname, started_at = excluded.started_at`,
      [instance, token, pid, hostname, startedAt],
    );
    return { token, pid, hostname, instance, startedAt, takenOverFrom: previous };
  } catch (error) {
    await client.query(`SELECT pg_advisory_unlock(${lockKeySql})`, [schema, instance]).catch(() => undefined);
    throw error;
  }
}
