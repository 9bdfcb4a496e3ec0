import { describe, expect, it } from 'vitest';
import { maskSecretValues } from './mask-secret-values.ts';

describe('maskSecretValues', () => {
  it('issue 13: masks the value of password-like keys in a quoted config excerpt', () => {
    expect(maskSecretValues('    password: "hunter2-secret\n    type: x')).toBe(
      '    password: [REDACTED]\n    type: x',
    );
    expect(maskSecretValues('{"apiKey": "abc", "name": "n"}')).toBe('{"apiKey": [REDACTED]');
    expect(maskSecretValues('passwordEnv: MY_VAR')).toBe('passwordEnv: [REDACTED]');
    expect(maskSecretValues('username: alice')).toBe('username: alice');
  });
});
