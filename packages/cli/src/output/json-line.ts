// JSON.stringify leaves these raw: DEL, C1 controls, bidi embeddings/overrides/isolates and the
// line/paragraph separators.
const rawInJson = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

/**
 * One JSON Lines record. Characters that could drive or reorder a terminal are written as
 * `\uXXXX` escapes: still valid JSON that parses back to exactly the same string, but safe to
 * print.
 */
export function jsonLine(value: unknown): string {
  return `${JSON.stringify(value).replace(rawInJson, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}
