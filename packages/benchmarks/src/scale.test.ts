import { describe, expect, it } from 'vitest';
import { parseBenchArguments } from './cli-arguments.ts';
import { countLabel, parseCount } from './scale.ts';
import { buildScenarios, quickScales, selectScenarios } from './scenarios.ts';

describe('scales and flags', () => {
  it('parses counts with k/M suffixes and labels them back', () => {
    expect(parseCount('100k', 'x')).toBe(100_000);
    expect(parseCount('2.5M', 'x')).toBe(2_500_000);
    expect(() => parseCount('lots', '--pcrs-records')).toThrow(/--pcrs-records: "lots"/);
    expect(countLabel(1_000_000)).toBe('1m');
    expect(countLabel(100_000)).toBe('100k');
  });

  it('the quick profile has PCRS 100k and 1M, PostgreSQL 100k, the rate-limit run and 100 MB reports; --full adds 5M and 1 GB', () => {
    expect(buildScenarios(quickScales).map((scenario) => scenario.name)).toEqual([
      'pcrs-100k',
      'pcrs-1m',
      'pcrs-postgres-100k',
      'pcrs-rate-limit',
      'pcrs-limit-lower-than-configured',
      'report-xml-100mb',
      'report-csv-100mb',
    ]);
    const full = parseBenchArguments(['--full']);
    expect(buildScenarios(full.scales).map((scenario) => scenario.name)).toContain('pcrs-5m');
    expect(buildScenarios(full.scales).map((scenario) => scenario.name)).toContain('report-xml-1gb');
  });

  it('reads scale flags and refuses unknown scenarios with the list of known ones', () => {
    const args = parseBenchArguments([
      '--pcrs-records',
      '2k',
      '--rate-limit',
      '5/1',
      '--scenario',
      'pcrs-2k',
      '--strict',
    ]);
    expect(args.scales.pcrsRecords).toEqual([2000]);
    expect(parseBenchArguments(['--postgres-records', '20k']).scales.postgresRecords).toEqual([20_000]);
    expect(parseBenchArguments(['--postgres-records', '0']).scales.postgresRecords).toEqual([]);
    expect(args.scales.rateLimit).toEqual({ requests: 5, perSeconds: 1 });
    expect(args.strict).toBe(true);
    expect(
      selectScenarios(buildScenarios(args.scales), args.scenarios).map((scenario) => scenario.name),
    ).toEqual(['pcrs-2k']);
    expect(() => selectScenarios(buildScenarios(args.scales), ['nope'])).toThrow(
      /Unknown scenario "nope".*pcrs-2k/,
    );
    expect(() => parseBenchArguments(['--bogus'])).toThrow(/Usage: pnpm bench/);
  });
});
