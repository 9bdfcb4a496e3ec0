/**
 * Whether the report is parsed in a worker thread (issue 18). On unless
 * `POSTURESYNC_WORKER_THREADS=0` (or `off`/`false`/`no`), the same switch the PCRS connector
 * reads: the in-thread path stays for comparison and for hosts where threads are unwelcome.
 */
export function workerThreadsFromEnvironment(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.POSTURESYNC_WORKER_THREADS?.trim().toLowerCase();
  return !(value === '0' || value === 'off' || value === 'false' || value === 'no');
}
