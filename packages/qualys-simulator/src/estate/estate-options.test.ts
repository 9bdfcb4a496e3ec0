import { ConfigError } from '@posturesync/core';
import { describe, expect, it } from 'vitest';
import { resolveEstateOptions } from './estate-options.ts';

describe('resolveEstateOptions', () => {
  it('fills every default and derives the subscription from the seed', () => {
    const options = resolveEstateOptions({});
    expect(options).toMatchObject({ seed: 1, hosts: 20, policies: 3, controlsPerPolicy: 10 });
    expect(options.referenceDate).toBe('2024-05-01T06:00:00Z');
    expect(resolveEstateOptions({ seed: 2 }).subscriptionId).not.toBe(options.subscriptionId);
    expect(resolveEstateOptions({ subscriptionId: 'x' }).subscriptionId).toBe('x');
  });

  it('names the option and the value it rejects', () => {
    expect(() => resolveEstateOptions({ controlsPerPolicy: 2.5 })).toThrow(ConfigError);
    expect(() => resolveEstateOptions({ controlsPerPolicy: 2.5 })).toThrow(
      'Estate option "controlsPerPolicy" must be a non-negative integer, got 2.5.',
    );
    expect(() => resolveEstateOptions({ rescanFlipRatio: -0.1 })).toThrow(/"rescanFlipRatio".*-0\.1/);
    expect(() => resolveEstateOptions({ statusRatios: { passed: 0, failed: 0, error: 0 } })).toThrow(
      /statusRatios/,
    );
  });
});
