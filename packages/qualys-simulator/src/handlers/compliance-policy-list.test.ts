import { describe, expect, it } from 'vitest';
import { compliancePolicyListXml, idSetElements, parseIdList } from './compliance-policy-list.ts';

describe('compliance policy list', () => {
  it('writes runs of consecutive ids as ID_RANGE and others as ID', () => {
    expect(idSetElements(['7', '3', '4', '5', '10', '4'])).toEqual([
      '<ID_RANGE>3-5</ID_RANGE>',
      '<ID>7</ID>',
      '<ID>10</ID>',
    ]);
    expect(idSetElements([])).toEqual([]);
  });

  it('reads the ids parameter as ids and ranges, and refuses anything else', () => {
    const matches = parseIdList('12, 20-22')!;
    expect(['12', '20', '21', '22'].every(matches)).toBe(true);
    expect(['13', '19', '23'].some(matches)).toBe(false);
    expect(parseIdList('12,abc')).toBeUndefined();
    expect(parseIdList('9-3')).toBeUndefined();
  });

  it('answers details=None with an ID_SET and no POLICY elements', () => {
    const entry = {
      id: '1000001',
      title: 'CIS <Windows> & "Linux"',
      createdDate: '2024-01-01T00:00:00Z',
      createdBy: 'a',
      modifiedDate: '2024-01-02T00:00:00Z',
      modifiedBy: 'b',
      lastEvaluatedDate: '2024-01-03T00:00:00Z',
      status: 'active' as const,
      locked: 0 as const,
      tagIds: [1],
    };
    const none = compliancePolicyListXml([entry], 'None', '2024-05-01T06:00:00Z', 'q.example');
    expect(none).toContain('<ID_SET>\n      <ID>1000001</ID>\n    </ID_SET>');
    expect(none).not.toContain('<POLICY>');
    const basic = compliancePolicyListXml([entry], 'Basic', '2024-05-01T06:00:00Z', 'q.example');
    expect(basic).toContain('<TITLE><![CDATA[CIS <Windows> & "Linux"]]></TITLE>');
    expect(basic).toContain('<POLICY_LIST_OUTPUT>');
    expect(compliancePolicyListXml([], 'Basic', 'now', 'q.example')).not.toContain('POLICY_LIST>');
  });
});
