import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type * as errors from './posturesync-error.ts';
import {
  AuthError,
  BadResponseError,
  ConfigError,
  isPostureSyncError,
  PostureSyncError,
  RateLimitedError,
  TransientError,
} from './posturesync-error.ts';

/** A second, separate instance of this module: what a connector with its own copy of core has. */
async function secondCopy(): Promise<typeof errors> {
  // A real second file (the module imports nothing), so it is a second module, not a cache hit.
  const file = join(mkdtempSync(join(tmpdir(), 'posturesync-error-copy-')), 'posturesync-error.ts');
  copyFileSync(join(import.meta.dirname, 'posturesync-error.ts'), file);
  return (await import(/* @vite-ignore */ pathToFileURL(file).href)) as typeof errors;
}

describe('error brands', () => {
  it('issue 16: errors from another copy of core are recognised by class and keep their codes', async () => {
    const copy = await secondCopy();
    expect(copy.AuthError).not.toBe(AuthError);
    const foreign = new copy.AuthError('rejected');
    expect(foreign).toBeInstanceOf(AuthError);
    expect(foreign).toBeInstanceOf(PostureSyncError);
    expect(foreign).not.toBeInstanceOf(ConfigError);
    expect(isPostureSyncError(foreign)).toBe(true);
    expect(foreign.code).toBe('PS_ERR_AUTH');
    const local = new RateLimitedError('busy', { retryAfterMs: 5 });
    expect(local).toBeInstanceOf(copy.RateLimitedError);
    expect(local).toBeInstanceOf(copy.PostureSyncError);
    expect(copy.isPostureSyncError(local)).toBe(true);
  });

  it('issue 16: plain errors and look-alikes without the brand are not posturesync errors', () => {
    const lookAlike = Object.assign(new Error('x'), { code: 'PS_ERR_AUTH', name: 'AuthError' });
    expect(lookAlike).not.toBeInstanceOf(AuthError);
    expect(isPostureSyncError(lookAlike)).toBe(false);
    expect(isPostureSyncError(null)).toBe(false);
    expect(isPostureSyncError('PS_ERR_AUTH')).toBe(false);
  });

  it('issue 16: a subclass without a brand of its own keeps the ordinary prototype check', () => {
    class MalformedBody extends BadResponseError {}
    const specific = new MalformedBody('bad');
    expect(specific).toBeInstanceOf(MalformedBody);
    expect(specific).toBeInstanceOf(BadResponseError);
    expect(new BadResponseError('other')).not.toBeInstanceOf(MalformedBody);
    expect(specific.code).toBe('PS_ERR_BAD_RESPONSE');
  });

  it('keeps the brand out of JSON and enumeration', () => {
    const error = new ConfigError('bad key', { details: { key: 'x' } });
    expect(Object.keys(error)).not.toContain(Symbol.for('posturesync.error.brands'));
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'ConfigError',
      code: 'PS_ERR_CONFIG',
      message: 'bad key',
      details: { key: 'x' },
    });
  });

  it('issue 16: carries a typed phase, also recorded in the details, so callers need not parse details', () => {
    const broken = new TransientError('body broke off', { phase: 'body', details: { reason: 'reset' } });
    expect(broken.phase).toBe('body');
    expect(broken.details).toEqual({ reason: 'reset', phase: 'body' });
    const plain = new TransientError('no answer', { details: { reason: 'timeout' } });
    expect(plain.phase).toBeUndefined();
    expect(plain.details).toEqual({ reason: 'timeout' });
    // A wrapper that copies the details keeps the phase.
    expect(new TransientError('with context', { details: broken.details }).phase).toBe('body');
  });
});
