import { describe, expect, it } from 'vitest';
import { baseUrlProblem, isInsecureHttpUrl, isLoopbackHost } from './base-url-problem.ts';

describe('baseUrlProblem', () => {
  it('issue 13: refuses file: and other schemes', () => {
    expect(baseUrlProblem('file:///etc/passwd', 'apiUrl', false)).toBe(
      'apiUrl must be an https:// URL, not file:',
    );
    expect(baseUrlProblem('ftp://source.example.test', 'apiUrl', true)).toContain('not ftp:');
    expect(baseUrlProblem('data:text/plain,hi', 'apiUrl', true)).toContain('not data:');
  });

  it('issue 13: refuses plain http to another machine unless allowInsecureHttp is set', () => {
    expect(baseUrlProblem('http://api.example.test', 'apiUrl', false)).toContain(
      'uses plain http:// to api.example.test',
    );
    expect(baseUrlProblem('http://api.example.test', 'apiUrl', true)).toBeNull();
    expect(baseUrlProblem('http://127.0.0.1:8080', 'gatewayUrl', false)).toBeNull();
    expect(baseUrlProblem('http://[::1]:8080', 'gatewayUrl', false)).toBeNull();
    expect(baseUrlProblem('http://localhost:8080', 'gatewayUrl', false)).toBeNull();
    expect(baseUrlProblem('https://gateway.example.com', 'gatewayUrl', false)).toBeNull();
  });

  it('issue 13: refuses credentials inside the URL', () => {
    expect(baseUrlProblem('https://user:pw@api.example.test', 'apiUrl', false)).toContain(
      'must not carry credentials',
    );
  });

  it('tells loopback from other hosts', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('127.8.9.10')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('10.0.0.1')).toBe(false);
    expect(isLoopbackHost('127.0.0.1.evil.test')).toBe(false);
    expect(isInsecureHttpUrl('http://10.0.0.1')).toBe(true);
    expect(isInsecureHttpUrl('https://10.0.0.1')).toBe(false);
  });
});
