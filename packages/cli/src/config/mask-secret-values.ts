/** Keys whose value is a secret in any config line (ours and the connectors'). */
const secretKey = /((?:password|passwd|secret|token|api[_-]?key|credentials?)[\w-]*["']?\s*[:=]\s*)(.+)$/i;

/**
 * Masks the value of every `password: ...`-like line in text quoted from a config file (a
 * syntax-error excerpt), so a secret written into the file by mistake is not echoed on the
 * terminal or in logs (issue 13). The key stays, so the user still sees which line it is.
 */
export function maskSecretValues(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(secretKey, (_whole, key: string) => `${key}[REDACTED]`))
    .join('\n');
}
