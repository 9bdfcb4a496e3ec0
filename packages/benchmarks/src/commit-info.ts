import { execFileSync } from 'node:child_process';
import type { CommitInfo } from './result-types.ts';

function git(args: string[], cwd: string): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
}

/**
 * The commit a run measures, so every figure the README quotes names its code. `dirty` says
 * tracked files differed from that commit when the run started (untracked files do not count).
 */
export function describeCommit(cwd: string): CommitInfo | null {
  try {
    const hash = git(['rev-parse', 'HEAD'], cwd);
    const dirty = git(['status', '--porcelain', '--untracked-files=no'], cwd).length > 0;
    return { hash, dirty };
  } catch {
    return null;
  }
}
