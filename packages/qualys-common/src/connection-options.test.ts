import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { qualysConnectionOptions } from './connection-options.ts';

describe('qualysConnectionOptions', () => {
  it('gives both connectors the same defaults and names the URL key and server in the descriptions', () => {
    const schema = z.object(qualysConnectionOptions({ urlKey: 'apiUrl', server: 'API' }));
    expect(schema.parse({})).toEqual({
      maxThrottleWaitMinutes: 30,
      readTimeoutSeconds: 180,
      tlsVerify: true,
      maxResponseMinutes: 240,
      maxResponseMegabytes: 32768,
      allowInsecureHttp: false,
    });
    const options = qualysConnectionOptions({ urlKey: 'gatewayUrl', server: 'gateway' });
    expect(options.allowInsecureHttp.description).toContain('http:// gatewayUrl');
    expect(options.tlsVerify.description).toBe(
      'Verify the gateway TLS certificate. Turn off only for test rigs.',
    );
    expect(schema.safeParse({ maxThrottleWaitMinutes: 0 }).success).toBe(false);
  });
});
