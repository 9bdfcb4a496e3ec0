import { describe, expect, it } from 'vitest';
import { parseSimulatorArguments } from './cli-arguments.ts';
import { faultProfiles } from './shared/fault-controller.ts';

describe('parseSimulatorArguments', () => {
  it('issue 3: maps the documented flags to simulator options', () => {
    const parsed = parseSimulatorArguments([
      '--port',
      '9090',
      '--hosts',
      '1000',
      '--policies',
      '5',
      '--controls',
      '20',
      '--seed',
      '7',
      '--faults',
      'flaky',
      '--no-rate-limit',
    ]);
    expect(parsed.help).toBe(false);
    if (parsed.help) return;
    expect(parsed.options).toMatchObject({
      port: 9090,
      estate: { hosts: 1000, policies: 5, controlsPerPolicy: 20, seed: 7 },
      faults: faultProfiles.flaky,
      pcrsRateLimit: false,
      classicRateLimit: false,
    });
  });

  it('defaults to port 8080 with the limits on and no faults', () => {
    const parsed = parseSimulatorArguments([]);
    if (parsed.help) throw new Error('unexpected help');
    expect(parsed.options.port).toBe(8080);
    expect(parsed.options.faults).toEqual([]);
    expect(parsed.options.pcrsRateLimit).toBeUndefined();
  });

  it('rejects unknown profiles and bad numbers with an actionable message', () => {
    expect(() => parseSimulatorArguments(['--faults', 'weird'])).toThrow(
      /not a known profile; use one of: none, flaky/,
    );
    expect(() => parseSimulatorArguments(['--hosts', 'many'])).toThrow(
      /--hosts must be a non-negative integer/,
    );
    expect(parseSimulatorArguments(['-h'])).toEqual({ help: true });
  });
});
