import { expect } from 'vitest';

/** The forms a secret travels in: as is, URL-encoded and base64 (as the redactor also knows them). */
export function secretVariants(secret: string): string[] {
  const variants = new Set([secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')]);
  return [...variants];
}

/**
 * Finds every secret (and its encoded forms) in `haystack`. Secrets shorter than 4 characters
 * are skipped: the redactor ignores them too, and they would match ordinary text.
 */
export function findSecrets(haystack: string, secrets: readonly string[]): string[] {
  const found: string[] = [];
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    for (const variant of secretVariants(secret)) {
      if (haystack.includes(variant)) found.push(secret);
    }
  }
  return found;
}

/** Fails the current test when any secret appears in `haystack`; `where` names the place in the message. */
export function assertNoSecrets(haystack: string, secrets: readonly string[], where = 'output'): void {
  const found = findSecrets(haystack, secrets);
  // Never print the secret itself into the test report: a hint is enough to find it.
  const shown = [...new Set(found)].map((secret) => `${secret.slice(0, 2)}… (${secret.length} chars)`);
  expect(shown, `secret values leaked into ${where}`).toEqual([]);
}
