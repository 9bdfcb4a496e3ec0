import { describe, expect, it } from 'vitest';
import { reportDate } from './report-date.ts';

describe('reportDate', () => {
  it('converts each date with its own offset, on both sides of a DST change, negative too', () => {
    // Sydney: +1000 until 02:00 on 2 Oct 2022, +1100 after; these are 3 hours apart.
    expect(reportDate('10/01/2022 at 23:30:00 (GMT+1000)')).toBe('2022-10-01T13:30:00.000Z');
    expect(reportDate('10/02/2022 at 03:30:00 (GMT+1100)')).toBe('2022-10-01T16:30:00.000Z');
    expect(reportDate('12/31/2022 at 18:00:00 (GMT-0500)')).toBe('2022-12-31T23:00:00.000Z');
  });

  it('reads an empty cell as never', () => {
    expect(reportDate('')).toBeNull();
    expect(reportDate(null)).toBeNull();
  });

  it('tolerates zone and time variants a user setting might produce', () => {
    expect(reportDate('11/09/2022 at 08:36:55 (GMT)')).toBe('2022-11-09T08:36:55.000Z');
    expect(reportDate('11/09/2022 at 08:36:55 (UTC)')).toBe('2022-11-09T08:36:55.000Z');
    expect(reportDate('11/09/2022 at 14:06:55 (GMT+5:30)')).toBe('2022-11-09T08:36:55.000Z');
    expect(reportDate('11/09/2022 at 14:06:55 (GMT+05:30)')).toBe('2022-11-09T08:36:55.000Z');
    expect(reportDate('1/9/2022 at 08:36 PM (GMT+0000)')).toBe('2022-01-09T20:36:00.000Z');
    expect(reportDate('11/09/2022 at 12:00:00 AM (GMT-0100)')).toBe('2022-11-09T01:00:00.000Z');
  });

  it('refuses what it cannot read or what would roll over, for the caller to quarantine', () => {
    expect(reportDate('2/30/2022 at 10:00 (GMT+01:00)')).toBeUndefined();
    expect(reportDate('11/09/2022 at 25:00:00 (GMT)')).toBeUndefined();
    expect(reportDate('11/09/2022 at 13:00:00 PM (GMT)')).toBeUndefined();
    expect(reportDate('yesterday')).toBeUndefined();
    expect(reportDate(`11/09/2022 at 08:36:55 (GMT+1100)${' '.repeat(100)}x`)).toBeUndefined();
  });
});
