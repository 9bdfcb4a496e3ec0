import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

const prefix = 'posturesync-report-';

/** `posturesync-report-<pid>-`: the owner's PID lets a later process tell a stale spool from a live one. */
export function spoolPrefix(pid: number = process.pid): string {
  return `${prefix}${pid}-`;
}

/** Spools from before PIDs were in the name are removed once they are this old. */
const legacyMaxAgeMs = 24 * 60 * 60 * 1000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the zip spools of posturesync processes that are gone (killed with SIGKILL, power
 * loss): their directories would otherwise stay in $TMPDIR for good, each as large as a
 * compressed report. Never fails: a spool that cannot be removed is left for the next run.
 */
export async function removeStaleSpools(directory: string, now: number = Date.now()): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const rest = name.slice(prefix.length);
    const dash = rest.indexOf('-');
    const pid = dash > 0 ? Number(rest.slice(0, dash)) : Number.NaN;
    const path = join(directory, name);
    try {
      if (Number.isInteger(pid) && pid > 0) {
        if (pid === process.pid || isAlive(pid)) continue;
      } else {
        const info = await stat(path);
        if (now - info.mtimeMs < legacyMaxAgeMs) continue;
      }
      await rm(path, { recursive: true, force: true });
      removed.push(path);
    } catch {
      // Someone else's file, or removed meanwhile: leave it.
    }
  }
  return removed;
}
