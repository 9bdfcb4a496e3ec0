import { describe, expect, it } from 'vitest';
import { terminalText } from './terminal-text.ts';

describe('terminalText', () => {
  it('issue 13: escapes OSC, CSI, BEL, NUL, DEL, C1 and bidi overrides from the source', () => {
    const hostile = 'a\x1b]8;;https://evil\x07b\x1b[2Jc\x00d\x7fe\x9bf\u202eg\u2066h';
    expect(terminalText(hostile)).toBe(
      'a\\x1b]8;;https://evil\\x07b\\x1b[2Jc\\x00d\\x7fe\\x9bf\\u202eg\\u2066h',
    );
  });

  it('keeps ordinary text, tabs, newlines and non-ASCII letters unchanged', () => {
    const text = 'Status of the "Password" setting\tüñí 漢字\nline two';
    expect(terminalText(text)).toBe(text);
  });

  it('escapes a carriage return, which would let a title overwrite what was printed before it', () => {
    expect(terminalText('ok\rFAILED')).toBe('ok\\x0dFAILED');
  });
});
