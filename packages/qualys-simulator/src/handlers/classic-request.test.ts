import { describe, expect, it } from 'vitest';
import { basicCredentialsOf, readParameters, sessionIdOf } from './classic-request.ts';

describe('classic request parts', () => {
  it('reads query and form parameters of a POST together', async () => {
    const request = new Request('https://qualysapi.example/api/2.0/fo/report/?action=launch', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'output_format=csv&report_type=Policy',
    });
    const parameters = await readParameters(request);
    expect([...parameters]).toEqual([
      ['action', 'launch'],
      ['output_format', 'csv'],
      ['report_type', 'Policy'],
    ]);
  });

  it('splits Basic credentials at the first colon and ignores other schemes', () => {
    const encoded = Buffer.from('user:pa:ss').toString('base64');
    const basic = new Request('https://x', { headers: { authorization: `Basic ${encoded}` } });
    expect(basicCredentialsOf(basic)).toEqual({ username: 'user', password: 'pa:ss' });
    expect(basicCredentialsOf(new Request('https://x', { headers: { authorization: 'Bearer t' } }))).toBe(
      undefined,
    );
  });

  it('finds the QualysSession cookie among others', () => {
    const request = new Request('https://x', { headers: { cookie: 'a=1; QualysSession=abc123; b=2' } });
    expect(sessionIdOf(request)).toBe('abc123');
    expect(sessionIdOf(new Request('https://x'))).toBeUndefined();
  });
});
