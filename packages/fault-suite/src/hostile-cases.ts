/**
 * Issue 13: hostile servers, bombs and supervisors. Each case runs a real `posturesync sync`
 * process (or, for the supervisor case, the command the README documents) and asserts a clear
 * code, bounded memory and time, and that nothing already stored is lost.
 */
export interface HostileCase {
  name: string;
  connector: 'qualys-pc-report' | 'qualys-pcrs';
  injects: string;
}

export const hostileCases: readonly HostileCase[] = [
  {
    name: 'an error envelope that never ends is refused after 1 MiB',
    connector: 'qualys-pc-report',
    injects: 'the report fetch answers `<SIMPLE_RETURN>` followed by 300 MiB',
  },
  {
    name: 'a 2 MB zip bomb is refused before it is inflated',
    connector: 'qualys-pc-report',
    injects: 'the report is a 2 MB zip that inflates to 2 GiB of one XML text node',
  },
  {
    name: 'a 300 MiB text node is refused while it streams',
    connector: 'qualys-pc-report',
    injects: 'the XML report holds one text node of 300 MiB',
  },
  {
    name: 'a report body dripping past the response deadline fails the run instead of hanging it',
    connector: 'qualys-pc-report',
    injects: 'the report fetch sends a byte every 100 ms forever (maxResponseMinutes 0.02)',
  },
  {
    name: 'a zip spool left by a killed sync is removed by the next one',
    connector: 'qualys-pc-report',
    injects: 'a zipped report stalls mid-body, the sync is killed with SIGKILL, then a sync runs again',
  },
  {
    name: 'SIGTERM to the PID of node_modules/.bin/posturesync cancels the sync and leaves no orphan',
    connector: 'qualys-pcrs',
    injects: 'postureInfo answers held 1.5 s; SIGTERM to the PID the supervisor holds after the first batch',
  },
];
