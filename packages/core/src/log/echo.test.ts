import { describe, expect, it } from 'vitest';
import { echoValue, truncateEcho } from './echo.ts';

describe('echoes of source text', () => {
  it('issue 13: a 5 MB cell is cut with a marker saying how much was left out', () => {
    const cell = 'x'.repeat(5 * 1024 * 1024);
    const echoed = truncateEcho(`unparsable date ${cell}`, 100);
    expect(echoed.length).toBeLessThan(200);
    expect(echoed).toMatch(/… \[5242796 more characters cut\]$/);
    expect(echoValue(cell).length).toBeLessThan(300);
    expect(echoValue(cell)).toContain('more characters cut');
  });

  it('issue 13: echoes a value nested 5,000 levels deep without throwing', () => {
    let deep: unknown = 1;
    for (let index = 0; index < 5000; index++) deep = [deep];
    expect(echoValue(deep)).toBe('[[[["[nested deeper than 4 levels]"]]]]');
  });

  it('leaves short text as it is', () => {
    expect(truncateEcho('short')).toBe('short');
    expect(echoValue('2024-13-45')).toBe('"2024-13-45"');
  });
});
