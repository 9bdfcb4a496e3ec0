/**
 * Issue 7: the V8 flags the posturesync process runs with, applied by replacing the process
 * image at startup (`process.execve`: same PID, same stdio, signals reach it as before).
 *
 * Why: V8 doubles its young generation whenever as many bytes have survived scavenges since
 * the last growth as it holds, up to 2 x 64 MiB on a 64-bit machine with a 4 GiB heap limit.
 * A sync keeps every batch alive across awaits, so a long sync always reaches that cap and a
 * short one does not: peak RSS then grew with the run length (PCRS 100k -> 1M records
 * 282 -> 408 MiB, with a live heap of 16-21 MiB throughout). Capping a semi-space at 16 MiB
 * costs no measurable CPU (same sync CPU at 1M records) and makes the young generation the
 * same size for every run.
 */
export const nodeFlags: readonly string[] = ['--max-semi-space-size=16'];

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
 * already set (by us, on the command line or in NODE_OPTIONS, where a user's own choice wins),
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
