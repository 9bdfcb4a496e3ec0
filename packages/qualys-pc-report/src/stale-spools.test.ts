import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeStaleSpools, spoolPrefix } from './stale-spools.ts';

let directory = '';
afterEach(() => {
  if (directory) rmSync(directory, { recursive: true, force: true });
});

describe('removeStaleSpools', () => {
  it('issue 13: removes the spool of a process killed with SIGKILL, keeps live and foreign ones', async () => {
    directory = mkdtempSync(join(tmpdir(), 'spools-'));
    // A PID that surely exited: a child that has already been reaped.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid as number;
    const stale = join(directory, `${spoolPrefix(dead)}abc123`);
    const live = join(directory, `${spoolPrefix(process.pid)}def456`);
    const legacyOld = join(directory, 'posturesync-report-Xy12ab');
    const legacyNew = join(directory, 'posturesync-report-Zz98cd');
    const foreign = join(directory, 'other-tool-1');
    for (const path of [stale, live, legacyOld, legacyNew, foreign]) {
      mkdirSync(path);
      writeFileSync(join(path, 'report-1.zip'), 'PK');
    }
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    utimesSync(legacyOld, twoDaysAgo, twoDaysAgo);
    const removed = await removeStaleSpools(directory);
    expect(removed.sort()).toEqual([legacyOld, stale].sort());
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(live) && existsSync(legacyNew) && existsSync(foreign)).toBe(true);
  });
});
