/**
 * Issue 7: the V8 flags the posturesync process runs with, applied by replacing the process
 * image at startup (`process.execve`: same PID, same stdio, signals reach it as before).
 *
 * Why: a sync's live heap is small (16-40 MiB) but V8 sizes the heap by allocation history,
 * so peak RSS grew with the length of a run:
 * - `--max-semi-space-size=16`: V8 doubles the young generation whenever as many bytes have
 *   survived scavenges as it holds, up to 2 x 64 MiB with a 4 GiB heap limit. A sync keeps each
 *   batch alive while it is written, so a long sync always reached that cap and a short one did
 *   not (PCRS 100k -> 1M records: 282 -> 408 MiB). Capped at 2 x 16 MiB: no measurable CPU cost.
 * - `--heap-growing-percent=100`: after each full GC V8 lets the old generation grow to up to
 *   4x what survived before collecting again, and the pages it grew into stay resident. The
 *   report mapper's per-host state grows with the distinct hosts of a report, so that headroom
 *   grew too (1 GB XML report: 580 MiB). At most 2x: 387 MiB, for about 5% more CPU there
 *   and none measurable on PCRS.
 */
export const nodeFlags: readonly string[] = ['--max-semi-space-size=16', '--heap-growing-percent=100'];

/** Set to `0` to run with Node's own defaults (no relaunch). */
export const relaunchOptOut = 'POSTURESYNC_NODE_FLAGS';

export interface RelaunchInput {
  execPath: string;
  execArgv: readonly string[];
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  /** `process.execve`, when this Node has it (22.x and Windows do not). */
  canExecve: boolean;
}

function flagName(flag: string): string {
  return flag.split('=')[0] ?? flag;
}

/**
 * The argument vector to relaunch with, or null when there is nothing to do: the flags are
 * already set (by us, on the command line or in NODE_OPTIONS, where a user's own value of a
 * flag wins; only the missing ones are added),
 * the user opted out, or this Node cannot replace its process image.
 */
export function relaunchArguments(input: RelaunchInput): string[] | null {
  if (!input.canExecve || input.env[relaunchOptOut] === '0') return null;
  const given = [...input.execArgv, ...(input.env.NODE_OPTIONS ?? '').split(/\s+/)].map(flagName);
  const missing = nodeFlags.filter((flag) => !given.includes(flagName(flag)));
  if (missing.length === 0) return null;
  return [input.execPath, ...input.execArgv, ...missing, ...input.argv.slice(1)];
}

/**
 * Replaces this process with one that has `nodeFlags`, when needed. Returns only when no
 * relaunch happened (or it failed, in which case the defaults are fine, just hungrier).
 */
export function applyNodeFlags(): void {
  const execve = (process as { execve?: (file: string, args: string[], env: NodeJS.ProcessEnv) => never })
    .execve;
  const args = relaunchArguments({
    execPath: process.execPath,
    execArgv: process.execArgv,
    argv: process.argv,
    env: process.env,
    canExecve: typeof execve === 'function' && process.platform !== 'win32',
  });
  if (!args || !execve) return;
  try {
    execve.call(process, process.execPath, args, process.env);
  } catch {
    // Not permitted or not supported here: carry on with Node's defaults.
  }
}
