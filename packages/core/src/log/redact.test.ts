import { describe, expect, it } from 'vitest';
import { SecretRedactor } from './redact.ts';

describe('SecretRedactor', () => {
  it('issue 13: scrubs credentials inside a URL wherever the URL is echoed', () => {
    const redactor = new SecretRedactor();
    expect(redactor.redact('could not reach https://api-user:s3cr3t-pw@gateway.example.test/auth')).toBe(
      'could not reach https://[REDACTED]@gateway.example.test/auth',
    );
    expect(redactor.redact('gatewayUrl: "http://token@10.0.0.1:8080"')).toBe(
      'gatewayUrl: "http://[REDACTED]@10.0.0.1:8080"',
    );
    // An address in text is not a URL with credentials.
    expect(redactor.redact('mail admin@example.test')).toBe('mail admin@example.test');
  });

  it('scrubs registered secrets and their encoded forms', () => {
    const redactor = new SecretRedactor();
    redactor.add('hunter2-secret');
    expect(redactor.redact('pw hunter2-secret and aHVudGVyMi1zZWNyZXQ=')).toBe(
      'pw [REDACTED] and [REDACTED]',
    );
  });
});
