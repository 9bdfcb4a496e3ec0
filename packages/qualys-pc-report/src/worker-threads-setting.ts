import { availableParallelism } from 'node:os';

/**
 * Whether the report is parsed in a worker thread (issue 18). On unless
 * `POSTURESYNC_WORKER_THREADS=0` (or `off`/`false`/`no`) or when the process may use only
 * one core (`taskset -c 0`); `=1` forces it on. The same switch the PCRS connector
 * reads: the in-thread path stays for comparison and for hosts where threads are unwelcome.
 */
export function workerThreadsFromEnvironment(
  env: NodeJS.ProcessEnv = process.env,
  cores: number = availableParallelism(),
): boolean {
  const value = env.POSTURESYNC_WORKER_THREADS?.trim().toLowerCase();
  if (value === '0' || value === 'off' || value === 'false' || value === 'no') return false;
  if (value === '1' || value === 'on' || value === 'true' || value === 'yes') return true;
  // On one core a worker only adds the cost of copying records between threads.
  return cores >= 2;
}
