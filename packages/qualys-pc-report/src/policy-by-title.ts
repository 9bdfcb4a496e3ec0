import { ConfigError } from '@posturesync/core';
import { levenshtein } from './choose-report.ts';
import type { PolicyListEntry } from './policy-list.ts';

/** Longest title text put into a message; titles come from the report file. */
const maxShownTitle = 200;
const maxCandidates = 5;

/** A title for a message: bounded, quoted, control characters escaped. */
export function shownTitle(title: string): string {
  return JSON.stringify(title.length > maxShownTitle ? `${title.slice(0, maxShownTitle)}…` : title);
}

/** Titles compare with surrounding and repeated white space ignored; case matters. */
function comparable(title: string): string {
  return title.replace(/\s+/g, ' ').trim();
}

function listing(entries: readonly PolicyListEntry[]): string {
  return entries.map((entry) => `${shownTitle(entry.title)} (ID ${entry.id})`).join('; ');
}

/**
 * The ID of the one compliance policy called `title`. Titles are not unique in Qualys, so two
 * matches are an error as much as none: guessing would file every finding under the wrong
 * policy and close the right policy's findings.
 */
export function policyIdForTitle(entries: readonly PolicyListEntry[], title: string): string {
  const wanted = comparable(title);
  // A policy listed twice is still one policy.
  const matches = [
    ...new Map(
      entries.filter((entry) => comparable(entry.title) === wanted).map((entry) => [entry.id, entry]),
    ).values(),
  ];
  const [only] = matches;
  if (only && matches.length === 1) return only.id;
  const advice = 'Set policyId in the connector configuration to the ID of the policy this report covers.';
  if (matches.length > 1) {
    throw new ConfigError(
      `The policy report names its policy by title only, ${shownTitle(title)}, and ${matches.length} compliance policies have that title: ${listing(matches.slice(0, maxCandidates))}${matches.length > maxCandidates ? '; …' : ''}. ${advice}`,
      {
        details: {
          policyTitle: title.slice(0, maxShownTitle),
          candidates: matches
            .slice(0, maxCandidates)
            .map(({ id, title: candidate }) => ({ id, title: candidate })),
        },
      },
    );
  }
  // Closest first; both sides cut, so the distance stays cheap whatever the titles hold.
  const head = wanted.slice(0, maxShownTitle).toLowerCase();
  const closest = [...entries]
    .map((entry) => ({
      entry,
      distance: levenshtein(head, comparable(entry.title).slice(0, maxShownTitle).toLowerCase()),
    }))
    .sort((a, b) => a.distance - b.distance)
    .slice(0, maxCandidates)
    .map(({ entry }) => entry);
  throw new ConfigError(
    `The policy report names its policy by title only, ${shownTitle(title)}, and no compliance policy in the Qualys policy list (${entries.length} policies) has that title.${closest.length ? ` Closest titles: ${listing(closest)}.` : ''} ${advice}`,
    {
      details: {
        policyTitle: title.slice(0, maxShownTitle),
        listed: entries.length,
        candidates: closest.map(({ id, title: candidate }) => ({ id, title: candidate })),
      },
    },
  );
}
