import { describe, expect, it } from 'vitest';
import { formatEvidenceBannerText } from './evidence-banner-text.ts';

describe('formatEvidenceBannerText', () => {
  it('writes the three banners of real report evidence, LF-separated', () => {
    const text = formatEvidenceBannerText(
      { expected: '24', actual: '10', extendedEvidence: 'Registry key read at 10:00' },
      '04/20/2024 at 10:00:00 (GMT+1000)',
    );
    expect(text).toBe(
      [
        '======Expected Value(s)======',
        '24',
        '======Current Value(s) - Last updated:04/20/2024 at 10:00:00 (GMT+1000)======',
        '10',
        '======Extended Evidence(s)======:',
        'Registry key read at 10:00',
      ].join('\n'),
    );
    expect(text).not.toContain('\r');
  });

  it('leaves out the optional extended evidence banner when there is none', () => {
    const text = formatEvidenceBannerText({ expected: 'a', actual: 'b', extendedEvidence: null }, 'd');
    expect(text).toBe('======Expected Value(s)======\na\n======Current Value(s) - Last updated:d======\nb');
  });
});
