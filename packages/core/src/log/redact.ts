/**
 * Secrets are registered once (passwords, tokens, Basic credentials) and scrubbed from
 * every string that leaves the process: log lines, error messages, `--json` output and
 * rows written to the database.
 */
export class SecretRedactor {
  readonly #secrets = new Set<string>();

  /** Registers a secret; values shorter than 4 characters are ignored to avoid mangling text. */
  add(secret: string | null | undefined): void {
    if (!secret || secret.length < 4) return;
    this.#secrets.add(secret);
    // Also catch the encoded forms the secret travels in.
    this.#secrets.add(encodeURIComponent(secret));
    this.#secrets.add(Buffer.from(secret).toString('base64'));
  }

  /** Registers username:password as used in HTTP Basic auth. */
  addBasicCredentials(username: string, password: string): void {
    this.add(password);
    this.add(Buffer.from(`${username}:${password}`).toString('base64'));
  }

  redact(text: string): string {
    let result = text;
    for (const secret of this.#secrets) {
      if (result.includes(secret)) result = result.split(secret).join('[REDACTED]');
    }
    return (
      result
        .replace(
          /(authorization["']?\s*[:=]\s*["']?)(basic|bearer)\s+[A-Za-z0-9._~+/=-]+/gi,
          '$1$2 [REDACTED]',
        )
        .replace(/(password=)[^&\s"']+/gi, '$1[REDACTED]')
        // Credentials inside a URL (`https://user:pw@host`), wherever a URL is echoed (issue 13).
        .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi, '$1[REDACTED]@')
        .replace(/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+/g, '[REDACTED-JWT]')
    );
  }

  /** Deep-redacts any JSON-serialisable value. */
  redactValue<T>(value: T): T {
    if (typeof value === 'string') return this.redact(value) as T;
    if (Array.isArray(value)) return value.map((item) => this.redactValue(item)) as T;
    if (value && typeof value === 'object') {
      const result: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(value)) {
        result[key] = /password|secret|token|authorization|cookie/i.test(key)
          ? '[REDACTED]'
          : this.redactValue(inner);
      }
      return result as T;
    }
    return value;
  }
}
