/**
 * Qualys renders a control's evidence as free text. The expected and actual values are
 * pulled out of labelled lines ("Expected value: ...", "Actual: ..."); a value runs until
 * the next label. Anything unrecognised stays only in the raw evidence.
 */
const labelPattern = /^\s*(expected|actual|current)(?:\s+values?)?\s*[:=]\s*/i;

export function parseEvidence(text: string | null): { expected: string | null; actual: string | null } {
  if (!text) return { expected: null, actual: null };
  let expected: string[] | null = null;
  let actual: string[] | null = null;
  let current: string[] | null = null;
  for (const line of text.split(/\r?\n/)) {
    const match = labelPattern.exec(line);
    if (match) {
      current = [line.slice(match[0].length)];
      if (match[1]?.toLowerCase() === 'expected') expected = current;
      else actual = current;
    } else if (current) {
      current.push(line);
    }
  }
  const join = (lines: string[] | null) => {
    const value = lines?.join('\n').trim();
    return value ? value : null;
  };
  return { expected: join(expected), actual: join(actual) };
}
