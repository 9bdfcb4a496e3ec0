import { errors as undiciErrors } from 'undici';
import { describe, expect, it } from 'vitest';
import { classifyNetworkError, errorCodesOf } from './network-error.ts';

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('classifyNetworkError', () => {
  it('maps undici timeouts, including the body-idle timeout', () => {
    expect(classifyNetworkError(new undiciErrors.HeadersTimeoutError()).reason).toBe('timeout');
    expect(classifyNetworkError(new undiciErrors.BodyTimeoutError()).reason).toBe('timeout');
    const connect = classifyNetworkError(new undiciErrors.ConnectTimeoutError());
    expect(connect).toMatchObject({ reason: 'timeout', retryable: true, notSent: true });
  });

  it('maps resets and refused connections, looking through causes and AggregateErrors', () => {
    expect(classifyNetworkError(new undiciErrors.SocketError('other side closed')).reason).toBe('reset');
    const wrapped = new Error('fetch failed', { cause: withCode('read ECONNRESET', 'ECONNRESET') });
    expect(classifyNetworkError(wrapped)).toMatchObject({
      reason: 'reset',
      code: 'ECONNRESET',
      notSent: false,
    });
    const happyEyeballs = new AggregateError([withCode('a', 'ECONNREFUSED'), withCode('b', 'ECONNREFUSED')]);
    expect(classifyNetworkError(happyEyeballs)).toMatchObject({ reason: 'unreachable', notSent: true });
    expect(errorCodesOf(happyEyeballs)).toEqual(['ECONNREFUSED', 'ECONNREFUSED']);
  });

  it('treats certificate failures and TLS protocol errors as non-retryable tls failures', () => {
    for (const code of ['DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID']) {
      expect(classifyNetworkError(withCode('x', code))).toMatchObject({
        reason: 'tls',
        certificate: true,
        retryable: false,
      });
    }
    expect(
      classifyNetworkError(withCode('wrong version number', 'ERR_SSL_WRONG_VERSION_NUMBER')),
    ).toMatchObject({
      reason: 'tls',
      certificate: false,
      retryable: false,
    });
  });

  it('does not retry malformed requests and keeps unknown failures retryable', () => {
    expect(classifyNetworkError(new undiciErrors.InvalidArgumentError('bad header'))).toMatchObject({
      reason: 'invalid-request',
      retryable: false,
    });
    expect(classifyNetworkError(new Error('mystery'))).toMatchObject({ reason: 'network', retryable: true });
  });
});
