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

  it('keeps ordinary text, including non-Latin letters and emoji', () => {
    expect(terminalText('web-01.corp.example.com')).toBe('web-01.corp.example.com');
    expect(terminalText('Übersicht 東京 ✓ 🙂')).toBe('Übersicht 東京 ✓ 🙂');
    expect(terminalText('')).toBe('');
  });

  it('escapes C0 controls, DEL and C1 controls visibly', () => {
    expect(terminalText('red\x1b[31mtext')).toBe('red\\x1b[31mtext');
    // Newlines and tabs stay (multi-line messages); a table cell escapes them (see table.ts).
    expect(terminalText('a\nb\tc\rd\x00e')).toBe('a\nb\tc\\x0dd\\x00e');
    expect(terminalText('del\x7f')).toBe('del\\x7f');
    expect(terminalText('csi\u009b2J')).toBe('csi\\x9b2J');
  });

  it('escapes bidi embeddings, overrides and isolates', () => {
    expect(terminalText('host\u202egpj.exe')).toBe('host\\u202egpj.exe');
    expect(terminalText('\u202a\u202b\u202c\u202d')).toBe('\\u202a\\u202b\\u202c\\u202d');
    expect(terminalText('\u2066x\u2067y\u2068z\u2069')).toBe('\\u2066x\\u2067y\\u2068z\\u2069');
  });
});
