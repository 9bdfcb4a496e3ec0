import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LockHeldError } from '@posturesync/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from './sqlite-store.ts';
import { isProcessAlive } from './sync-lock.ts';

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'posturesync-lock-'));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  const pid = Number(child.stdout.toString());
  expect(isProcessAlive(pid)).toBe(false);
  return pid;
}

describe('issue 6: sync lock', () => {
  it('a second acquire fails with LockHeldError naming the holder', () => {
    const path = join(directory, 'lock.db');
    const first = SqliteStore.open(path);
    const second = SqliteStore.open(path);
    const lock = first.acquireLock({ instance: 'pcrs-eu', now: new Date('2024-06-01T00:00:00Z') });
    expect(lock.takenOverFrom).toBeNull();
    let caught: unknown;
    try {
      second.acquireLock({ instance: 'report-us' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(LockHeldError);
    const message = (caught as LockHeldError).message;
    expect(message).toContain(`pid ${process.pid}`);
    expect(message).toContain('instance "pcrs-eu"');
    expect(message).toContain('since 2024-06-01T00:00:00.000Z');
    expect((caught as LockHeldError).details).toMatchObject({ pid: process.pid, instance: 'pcrs-eu' });
    expect(second.lockHolder()).toMatchObject({ pid: process.pid, instance: 'pcrs-eu' });

    expect(first.releaseLock(lock)).toBe(true);
    const again = second.acquireLock({ instance: 'report-us' });
    expect(again.instance).toBe('report-us');
    // The old holder cannot release a lock it no longer owns.
    expect(first.releaseLock(lock)).toBe(false);
    expect(second.releaseLock(again)).toBe(true);
    first.close();
    second.close();
  });

  it('takes over a stale lock left by a dead process on this host', () => {
    const store = SqliteStore.open(join(directory, 'stale.db'));
    const pid = deadPid();
    store.acquireLock({ instance: 'pcrs-eu', pid });
    const lock = store.acquireLock({ instance: 'pcrs-eu' });
    expect(lock.pid).toBe(process.pid);
    expect(lock.takenOverFrom).toMatchObject({ pid, instance: 'pcrs-eu' });
    store.close();
  });

  it('respects a lock held from another host, whose liveness cannot be checked', () => {
    const store = SqliteStore.open(':memory:');
    store.acquireLock({ instance: 'pcrs-eu', hostname: 'elsewhere', pid: deadPid() });
    expect(() => store.acquireLock({ instance: 'pcrs-eu' })).toThrow(
      /on host elsewhere.*DELETE FROM sync_lock/,
    );
    store.close();
  });
});
