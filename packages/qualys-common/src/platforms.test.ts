import { describe, expect, it } from 'vitest';
import { platformOrUrlProblem, platformUrls, qualysPlatformNames, qualysPlatforms } from './platforms.ts';

describe('qualysPlatforms', () => {
  it('lists the 13 shared platforms with a qualysapi and a gateway host each', () => {
    expect(qualysPlatformNames).toHaveLength(13);
    for (const name of qualysPlatformNames) {
      const { apiUrl, gatewayUrl } = qualysPlatforms[name];
      expect(apiUrl).toMatch(/^https:\/\/qualysapi\./);
      expect(gatewayUrl).toMatch(/^https:\/\/gateway\./);
      // The gateway lives in the same top-level domain as its API server.
      expect(new URL(gatewayUrl).hostname.split('.').slice(-2)).toEqual(
        new URL(apiUrl).hostname.split('.').slice(-2),
      );
    }
  });

  it('issue 4: AE1 uses the .ae gateway, not the EU one QualysETL maps it to', () => {
    expect(platformUrls('gatewayUrl').AE1).toBe('https://gateway.qg1.apps.qualys.ae');
    expect(platformUrls('apiUrl').US1).toBe('https://qualysapi.qualys.com');
  });
});

describe('platformOrUrlProblem', () => {
  it('accepts exactly one of a platform or a URL, naming the key to fix otherwise', () => {
    expect(platformOrUrlProblem('US1', undefined, 'apiUrl')).toBeNull();
    expect(platformOrUrlProblem(undefined, 'https://qualysapi.example.com', 'apiUrl')).toBeNull();
    expect(platformOrUrlProblem(undefined, undefined, 'gatewayUrl')).toEqual({
      path: 'platform',
      message: expect.stringMatching(/^set either platform \(one of US1, .*KSA1\) or gatewayUrl/),
    });
    expect(platformOrUrlProblem('US1', 'https://x.example', 'apiUrl')).toEqual({
      path: 'apiUrl',
      message: 'set platform or apiUrl, not both',
    });
  });
});
