import { once } from 'node:events';
import { createServer } from 'node:net';
import { AuthError, ConfigError, PermissionError, SecretRedactor, TransientError } from '@posturesync/core';
import { captureLogger, createTestContext } from '@posturesync/core/testing';
import { errorText } from '@posturesync/engine/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { QualysPcrsConfig } from '../src/config-schema.ts';
import { qualysPcrsConnector } from '../src/connector.ts';
import { configFor, credentials, type Simulator, startSimulator } from './support.ts';

let simulator: Simulator | undefined;
afterEach(async () => {
  await simulator?.close();
  simulator = undefined;
});

async function runCheck(config: QualysPcrsConfig) {
  const redactor = new SecretRedactor();
  const captured = captureLogger({ redactor });
  const connector = qualysPcrsConnector.create(
    config,
    createTestContext({ logger: captured.logger, redactor }),
  );
  try {
    return { result: await connector.check(), error: undefined, logs: captured.text() };
  } catch (error) {
    return { result: undefined, error, logs: captured.text() };
  } finally {
    await connector.close();
  }
}

/** A loopback port with nothing listening. */
async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('qualys-pcrs check()', () => {
  it('issue 4: one /auth and one policy list call, reporting gateway, user, PC entitlement and policies', async () => {
    simulator = await startSimulator();
    const { result, error } = await runCheck(configFor(simulator.url));
    expect(error).toBeUndefined();
    expect(simulator.state.stats.authCalls).toBe(1);
    expect(simulator.state.stats.requests.policyList).toBe(1);
    expect(simulator.state.stats.total).toBe(2);
    const policies = simulator.state.estate.policies();
    const active = policies.filter((policy) => policy.status === 'active').length;
    expect(result?.details).toEqual(
      expect.arrayContaining([
        `gateway ${simulator.url}`,
        `user ${credentials.username}`,
        expect.stringMatching(/^PC module enabled/),
        expect.stringContaining(`${policies.length} policies visible (${active} active)`),
      ]),
    );
  });

  it('issue 4: bad credentials -> AuthError naming user and gateway, never the password', async () => {
    simulator = await startSimulator();
    const password = 'wrong-password-123';
    const { error, logs } = await runCheck(configFor(simulator.url, { password }));
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toContain(
      `Qualys rejected the username or password for ${credentials.username} at ${simulator.url}`,
    );
    expect(errorText(error)).not.toContain(password);
    expect(logs).not.toContain(password);
  });

  it('issue 4: no PC module in the token -> PermissionError', async () => {
    simulator = await startSimulator({ modulesAllowed: ['VM'] });
    const { error } = await runCheck(configFor(simulator.url));
    expect(error).toBeInstanceOf(PermissionError);
    expect((error as Error).message).toMatch(/no Policy Compliance \(PC\) module \(modules: VM\)/);
    expect(simulator.state.stats.requests.policyList ?? 0).toBe(0);
  });

  it('issue 4: unreachable gateway -> TransientError with reason unreachable', async () => {
    const port = await closedPort();
    const { error } = await runCheck(configFor(`http://127.0.0.1:${port}`, { maxRetries: 0 }));
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).details.reason).toBe('unreachable');
    expect((error as Error).message).toContain(`Cannot reach the Qualys gateway http://127.0.0.1:${port}`);
  });

  it('issue 4: TLS failure (https to a plain HTTP port) -> ConfigError with reason tls', async () => {
    simulator = await startSimulator();
    const httpsUrl = simulator.url.replace('http://', 'https://');
    const { error } = await runCheck(configFor(httpsUrl, { maxRetries: 0 }));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).details.reason).toBe('tls');
  });
});
