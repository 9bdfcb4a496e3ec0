import { describe, expect, it } from 'vitest';
import { gmtOffsetText, reportLocalDate, reportOffsetMinutes } from './report-local-date.ts';

describe('reportLocalDate', () => {
  it('writes the real report date format with the local offset', () => {
    // The spec's example: 11/09/2022 at 15:25:18 (GMT+1100) is 04:25:18 UTC.
    expect(reportLocalDate('2022-11-09T04:25:18Z', 'sydney')).toBe('11/09/2022 at 15:25:18 (GMT+1100)');
    expect(reportLocalDate('2022-09-12T13:41:25Z', 'sydney')).toBe('09/12/2022 at 23:41:25 (GMT+1000)');
    expect(reportLocalDate('2024-04-20T10:00:00Z', 'utc')).toBe('04/20/2024 at 10:00:00 (GMT+0000)');
    expect(reportLocalDate('2024-04-20T03:00:00Z', { fixedOffsetMinutes: -300 })).toBe(
      '04/19/2024 at 22:00:00 (GMT-0500)',
    );
    expect(reportLocalDate('', 'sydney')).toBe('');
  });

  it('switches the Sydney-like offset at both daylight-saving changes, whatever the machine TZ', () => {
    // 2024: daylight saving ended Sunday 7 April 03:00 AEDT and began Sunday 6 October 02:00 AEST,
    // both at 16:00 UTC the day before.
    expect(reportOffsetMinutes('sydney', Date.parse('2024-04-06T15:59:59Z'))).toBe(660);
    expect(reportOffsetMinutes('sydney', Date.parse('2024-04-06T16:00:00Z'))).toBe(600);
    expect(reportOffsetMinutes('sydney', Date.parse('2024-10-05T15:59:59Z'))).toBe(600);
    expect(reportOffsetMinutes('sydney', Date.parse('2024-10-05T16:00:00Z'))).toBe(660);
    expect(reportLocalDate('2024-04-06T15:59:59Z', 'sydney')).toBe('04/07/2024 at 02:59:59 (GMT+1100)');
    expect(reportLocalDate('2024-04-06T16:00:00Z', 'sydney')).toBe('04/07/2024 at 02:00:00 (GMT+1000)');
    expect(reportLocalDate('2024-10-05T16:00:00Z', 'sydney')).toBe('10/06/2024 at 03:00:00 (GMT+1100)');
  });

  it('writes offsets with sign, hours and minutes', () => {
    expect(gmtOffsetText(660)).toBe('GMT+1100');
    expect(gmtOffsetText(330)).toBe('GMT+0530');
    expect(gmtOffsetText(-300)).toBe('GMT-0500');
    expect(gmtOffsetText(0)).toBe('GMT+0000');
  });
});
