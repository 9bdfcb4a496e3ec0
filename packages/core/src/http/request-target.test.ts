import { describe, expect, it } from 'vitest';
import { BadResponseError } from '../errors/index.ts';
import { parseBaseUrl, requestTarget } from './request-target.ts';

describe('requestTarget', () => {
  const base = parseBaseUrl('https://api.example.com/api/2.0/');

  it('joins the base path, the request path and the query, skipping undefined values', () => {
    expect(base).toEqual({ origin: 'https://api.example.com', pathPrefix: '/api/2.0' });
    expect(
      requestTarget(base, { path: 'fo/report/', query: { action: 'list', id: 5, skip: undefined } }),
    ).toBe('/api/2.0/fo/report/?action=list&id=5');
    expect(requestTarget(base, { path: '/fo/x/?a=1', query: { b: true } })).toBe('/api/2.0/fo/x/?a=1&b=true');
  });

  it('follows same-origin absolute links and refuses other hosts', () => {
    expect(requestTarget(base, { path: 'https://api.example.com/api/2.0/fo/host/?id_min=7' })).toBe(
      '/api/2.0/fo/host/?id_min=7',
    );
    expect(() => requestTarget(base, { path: 'https://evil.example.net/steal' })).toThrow(BadResponseError);
  });
});
