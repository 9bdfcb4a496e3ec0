import { describe, expect, it } from 'vitest';
import { parseEvidence } from './evidence.ts';

describe('parseEvidence', () => {
  it('splits the real banner format, keeping the "Last updated" text of the current values', () => {
    const cell = [
      '======Expected Value(s)======',
      'Domain: On',
      'Public: On',
      '======Current Value(s) - Last updated:10/02/2022 at 03:31:12 (GMT+1100)======',
      'Domain: On',
      'Public: Off',
      '======Extended Evidence(s)======:',
      'netsh advfirewall show allprofiles state',
    ].join('\n');
    expect(parseEvidence(cell)).toEqual({
      expected: 'Domain: On\nPublic: On',
      actual: 'Domain: On\nPublic: Off',
      extended: 'netsh advfirewall show allprofiles state',
      actualLastUpdated: '10/02/2022 at 03:31:12 (GMT+1100)',
      preamble: null,
    });
  });

  it('reads banners without "(s)", in the plural, without extended evidence, with text before them', () => {
    expect(
      parseEvidence(
        'Evaluated by the agent\n======Expected Value======\n14\n======Current Value - Last updated:10/02/2022 at 03:30:00 (GMT+1100)======\n8',
      ),
    ).toEqual({
      expected: '14',
      actual: '8',
      extended: null,
      actualLastUpdated: '10/02/2022 at 03:30:00 (GMT+1100)',
      preamble: 'Evaluated by the agent',
    });
    expect(
      parseEvidence(
        '======Expected Values======\n14\n======Current Values======\n0\n======Extended Evidences======:\nnot configured',
      ),
    ).toMatchObject({ expected: '14', actual: '0', extended: 'not configured', actualLastUpdated: null });
  });

  it('keeps reading the older "label:" format', () => {
    expect(parseEvidence('Expected: >= 14\nActual: 8\nExtended: from the registry\nsecond line')).toEqual({
      expected: '>= 14',
      actual: '8',
      extended: 'from the registry\nsecond line',
      actualLastUpdated: null,
      preamble: null,
    });
  });

  it('finds nothing in free text or an empty cell, and ignores long "=" lines', () => {
    expect(parseEvidence('just some text')).toMatchObject({ expected: null, actual: null, extended: null });
    expect(parseEvidence(null)).toMatchObject({ expected: null, actual: null });
    const long = `======Expected Value ${' '.repeat(500)}======`;
    expect(parseEvidence(`${long}\nx`)).toMatchObject({ expected: null, actual: null });
  });
});
