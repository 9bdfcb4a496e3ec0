import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface WatchedExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** The highest resident set the process reached (VmHWM), in bytes; 0 when it could not be read. */
  peakRssBytes: number;
}

export interface WatchedProcess {
  pid: number;
  exited: Promise<WatchedExit>;
  /** Resolves when stderr has shown `text` (false if the process exited first). */
  waitForLog(text: string): Promise<boolean>;
}

/** VmHWM from /proc (Linux): the peak resident set of a live process, in bytes. */
function peakRssOf(pid: number): number {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Spawns a command and samples its peak resident set every 25 ms until it exits (VmHWM only
 * grows, so the last sample is the peak up to a few milliseconds before the exit).
 */
export function spawnWatched(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): WatchedProcess {
  const started = performance.now();
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  const pid = child.pid;
  let stdout = '';
  let stderr = '';
  let peak = 0;
  let done = false;
  const waiters: Array<{ text: string; resolve: (found: boolean) => void }> = [];
  const sampler = setInterval(() => {
    peak = Math.max(peak, peakRssOf(pid));
  }, 25);
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    peak = Math.max(peak, peakRssOf(pid));
    for (const waiter of [...waiters]) {
      if (stderr.includes(waiter.text)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(true);
      }
    }
  });
  const exited = new Promise<WatchedExit>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      done = true;
      clearInterval(sampler);
      for (const waiter of waiters.splice(0)) waiter.resolve(false);
      resolve({
        code,
        signal,
        stdout,
        stderr,
        durationMs: performance.now() - started,
        peakRssBytes: peak,
      });
    });
  });
  return {
    pid,
    exited,
    waitForLog: (text) =>
      stderr.includes(text) || done
        ? Promise.resolve(stderr.includes(text))
        : new Promise((resolve) => waiters.push({ text, resolve })),
  };
}
