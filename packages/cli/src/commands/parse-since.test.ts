import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseSince } from './parse-since.ts';

describe('parseSince', () => {
  it('reads a whole number as a run id', () => {
    expect(parseSince('12')).toEqual({ runId: 12 });
  });

  it('reads ISO dates and date-times as UTC and normalises them', () => {
    expect(parseSince('2024-10-01')).toEqual({ at: '2024-10-01T00:00:00.000Z' });
    expect(parseSince('2024-10-01T08:30:00Z')).toEqual({ at: '2024-10-01T08:30:00.000Z' });
    expect(parseSince('2024-10-01T08:30')).toEqual({ at: '2024-10-01T08:30:00.000Z' });
    expect(parseSince('2024-10-01T10:30:00+02:00')).toEqual({ at: '2024-10-01T08:30:00.000Z' });
  });

  it('rejects anything else with a message that shows both forms', () => {
    for (const bad of ['0', 'yesterday', '2024-13-45', '10/01/2024', '']) {
      expect(() => parseSince(bad)).toThrow(InvalidArgumentError);
    }
    expect(() => parseSince('soon')).toThrow(/run id .* or an ISO date/);
  });
});
