import { describe, expect, it } from 'vitest';
import { readTokenClaims } from './jwt.ts';

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('readTokenClaims', () => {
  it('reads exp and modulesAllowed', () => {
    const token = `${encode({ alg: 'HS512' })}.${encode({ exp: 1_700_000_000, modulesAllowed: ['VM', 'PC'] })}.sig`;
    expect(readTokenClaims(token)).toEqual({
      expiresAt: new Date(1_700_000_000_000),
      modulesAllowed: ['VM', 'PC'],
    });
  });

  it('tolerates opaque tokens and missing claims', () => {
    expect(readTokenClaims('opaque')).toEqual({ expiresAt: null, modulesAllowed: null });
    expect(readTokenClaims(`${encode({})}.not-json.sig`)).toEqual({ expiresAt: null, modulesAllowed: null });
    expect(readTokenClaims(`${encode({})}.${encode({ sub: 'x' })}.sig`)).toEqual({
      expiresAt: null,
      modulesAllowed: null,
    });
  });
});
