import { suiteCredentials } from './test-estate.ts';

/**
 * The forms a Qualys secret takes on the wire: the password itself, the Basic header value,
 * and gateway JWTs (the simulator signs `{"alg":"HS512"}`, so every token starts with the same
 * base64 text). Classic session cookies are random and covered by the redactor's own tests.
 */
export const secretForms: ReadonlyArray<{ name: string; text: string }> = [
  { name: 'password', text: suiteCredentials.password },
  {
    name: 'Basic credentials',
    text: Buffer.from(`${suiteCredentials.username}:${suiteCredentials.password}`).toString('base64'),
  },
  { name: 'gateway JWT', text: Buffer.from('{"alg":"HS512"}').toString('base64url').slice(0, 16) },
];

/** Names of the secret forms found in `text`. */
export function secretLeaks(text: string): string[] {
  return secretForms.filter((form) => text.includes(form.text)).map((form) => form.name);
}
