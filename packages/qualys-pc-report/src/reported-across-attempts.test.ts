import { describe, expect, it } from 'vitest';
import type { MappedBatch } from './map-report.ts';
import { ReportedAcrossAttempts } from './reported-across-attempts.ts';

function batch(rejectLines: number[], warnings: string[] = []): MappedBatch {
  return {
    hosts: [],
    policies: [],
    definitions: [],
    violations: [],
    rejects: rejectLines.map((line) => ({
      entity: 'violations',
      position: `report 1 line ${line}`,
      reason: 'unparsable date "32/13/2024"',
      raw: { line },
    })),
    warnings,
  };
}

const lines = (mapped: MappedBatch) => mapped.rejects.map((reject) => (reject.raw as { line: number }).line);

describe('ReportedAcrossAttempts', () => {
  it('issue 6: a retried report does not quarantine or warn twice about the same row', () => {
    const reported = new ReportedAcrossAttempts();
    reported.nextAttempt();
    expect(lines(reported.filter(batch([10, 20], ['w'])))).toEqual([10, 20]);
    reported.nextAttempt();
    const again = reported.filter(batch([10, 20, 30], ['w', 'v']));
    expect(lines(again)).toEqual([30]);
    expect(again.warnings).toEqual(['v']);
    reported.nextAttempt();
    expect(lines(reported.filter(batch([10, 20, 30, 40])))).toEqual([40]);
  });

  it('issue 6: within one attempt nothing is filtered', () => {
    const reported = new ReportedAcrossAttempts();
    reported.nextAttempt();
    expect(lines(reported.filter(batch([5])))).toEqual([5]);
    expect(reported.filter(batch([], ['same', 'same'])).warnings).toEqual(['same', 'same']);
  });
});
