import { describe, expect, it } from 'vitest';
import { policyReportXmlElements, policyReportXmlPaths } from './policy-report-xml-elements.ts';

function elementNames(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === 'string') into.add(value);
  else if (value && typeof value === 'object')
    for (const inner of Object.values(value)) elementNames(inner, into);
  return into;
}

describe('policyReportXmlElements', () => {
  it('uses Qualys v2 naming: upper-snake elements, lower-snake attributes', () => {
    for (const name of elementNames(policyReportXmlElements)) {
      expect(name, name).toMatch(/^(?:[A-Z][A-Z0-9_]*|[a-z][a-z0-9_]*)$/);
    }
  });

  it('issue 5: every streaming path is built from names in the one table', () => {
    const known = elementNames(policyReportXmlElements);
    for (const [key, path] of Object.entries(policyReportXmlPaths)) {
      for (const segment of path.split('/')) {
        expect(known.has(segment), `${key}: ${segment}`).toBe(true);
      }
      expect(path.startsWith(`${policyReportXmlElements.root}/`)).toBe(true);
    }
  });
});
