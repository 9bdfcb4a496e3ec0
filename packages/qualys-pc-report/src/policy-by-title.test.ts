import { ConfigError } from '@posturesync/core';
import { describe, expect, it } from 'vitest';
import { policyIdForTitle } from './policy-by-title.ts';

const entries = [
  { id: '1', title: 'CIS Windows' },
  { id: '2', title: 'CIS  Windows (draft)' },
  { id: '3', title: 'Twin' },
  { id: '4', title: 'Twin ' },
  { id: '5', title: 'cis windows' },
];

describe('policyIdForTitle', () => {
  it('finds the one policy with the title, white space aside but case kept', () => {
    expect(policyIdForTitle(entries, 'CIS Windows')).toBe('1');
    expect(policyIdForTitle(entries, ' CIS Windows\t(draft) ')).toBe('2');
    expect(policyIdForTitle(entries, 'cis windows')).toBe('5');
    expect(policyIdForTitle([...entries, { id: '1', title: 'CIS Windows' }], 'CIS Windows')).toBe('1');
  });

  it('refuses two policies with one title, naming both', () => {
    const error = (() => {
      try {
        return policyIdForTitle(entries, 'Twin');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).details).toEqual({
      policyTitle: 'Twin',
      candidates: [
        { id: '3', title: 'Twin' },
        { id: '4', title: 'Twin ' },
      ],
    });
  });

  it('refuses an unknown title, naming the closest ones', () => {
    expect(() => policyIdForTitle(entries, 'CIS Windowz')).toThrow(
      /no compliance policy in the Qualys policy list \(5 policies\) has that title\. Closest titles: "CIS Windows" \(ID 1\); "cis windows" \(ID 5\)/,
    );
    expect(() => policyIdForTitle([], 'Anything')).toThrow(/\(0 policies\) has that title\. Set policyId/);
  });
});
