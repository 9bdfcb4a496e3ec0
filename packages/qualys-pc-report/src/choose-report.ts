import { echoValue, NotFoundError, truncateEcho } from '@posturesync/core';
import type { ReportListEntry } from './report-list.ts';

export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** How far a title is from starting with the prefix: edit distance of its head, case-insensitive. */
function prefixDistance(title: string, prefix: string): number {
  // Qualys titles are at most 128 characters: comparing more of a huge prefix only costs time.
  const compared = prefix.slice(0, maxComparedPrefix);
  const head = title.slice(0, compared.length).toLowerCase();
  return levenshtein(head, compared.toLowerCase());
}

const maxComparedPrefix = 256;

/** Reports that are newer sort first; a report without a launch time sorts last. */
function newestFirst(a: ReportListEntry, b: ReportListEntry): number {
  const byTime = (b.launchDatetime ?? '').localeCompare(a.launchDatetime ?? '');
  if (byTime !== 0) return byTime;
  // Same second: the higher (later assigned) report ID wins.
  return b.id.length - a.id.length || b.id.localeCompare(a.id);
}

export function closestTitles(
  entries: readonly ReportListEntry[],
  prefix: string,
  limit = 5,
): ReportListEntry[] {
  return [...entries]
    .map((entry) => ({ entry, distance: prefixDistance(entry.title, prefix) }))
    .sort((a, b) => a.distance - b.distance || newestFirst(a.entry, b.entry))
    .slice(0, limit)
    .map(({ entry }) => entry);
}

export function matchingReports(entries: readonly ReportListEntry[], prefix: string): ReportListEntry[] {
  return entries
    .filter((entry) => entry.state?.toLowerCase() === 'finished' && entry.title.startsWith(prefix))
    .sort(newestFirst);
}

/**
 * Picks the newest Finished report whose title starts with the prefix (titles are trimmed,
 * CDATA or plain). When none matches, the error lists the closest titles and their states,
 * since the usual cause is a typo in the prefix or a report that is still running.
 */
export function chooseReport(entries: readonly ReportListEntry[], prefix: string): ReportListEntry {
  const [newest] = matchingReports(entries, prefix);
  if (newest) return newest;
  const close = closestTitles(entries, prefix);
  const listing = close.length
    ? ` Closest titles: ${close.map((entry) => `${echoValue(entry.title, 120)} (ID ${entry.id}, ${entry.state ?? 'unknown state'})`).join('; ')}.`
    : ' The report list is empty.';
  throw new NotFoundError(
    `No finished Qualys report has a title starting with ${echoValue(prefix, 120)} (${entries.length} reports listed).${listing} Check titlePrefix (it is case-sensitive), wait for a running report to finish, or configure launch to create one.`,
    {
      details: {
        titlePrefix: truncateEcho(prefix, 120),
        listed: entries.length,
        closest: close.map((entry) => ({
          id: entry.id,
          title: truncateEcho(entry.title, 120),
          state: entry.state,
        })),
      },
    },
  );
}
