import { depthLimited } from './json-depth.ts';

/** Longest echo of source or user text in an error, warning or quarantine reason. */
export const maxEchoLength = 500;

/**
 * Cuts text that echoes source or user input (a 10,000-character title prefix, a 5 MB report
 * cell) to `maxLength` characters with a marker saying how much was left out, so errors,
 * warnings, logs and `sync_runs` stay readable and small (issue 13).
 */
export function truncateEcho(text: string, maxLength: number = maxEchoLength): string {
  if (text.length <= maxLength) return text;
  return `${text.slice(0, maxLength)}… [${text.length - maxLength} more characters cut]`;
}

/**
 * A short JSON rendering of a source value for a message: never throws (deeply nested or cyclic
 * values are cut by depth first), never longer than `maxLength` plus the marker.
 */
export function echoValue(value: unknown, maxLength = 200): string {
  if (typeof value === 'string') {
    const shown = JSON.stringify(value.slice(0, maxLength));
    return value.length > maxLength ? `${shown}… [${value.length - maxLength} more characters cut]` : shown;
  }
  try {
    return truncateEcho(JSON.stringify(depthLimited(value, 4)) ?? String(value), maxLength);
  } catch {
    return truncateEcho(String(value), maxLength);
  }
}
