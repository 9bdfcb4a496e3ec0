/**
 * C0 controls (U+0000-U+001F), DEL (U+007F), C1 controls (U+0080-U+009F) and the bidirectional
 * embedding, override and isolate characters (U+202A-U+202E, U+2066-U+2069).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const unsafe = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

function escapeOf(character: string): string {
  const code = character.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Makes a source string safe to print on a terminal: every control character and bidi override
 * becomes a visible escape (`\x1b`, `\u202e`), so data from the source can neither drive the
 * terminal (colours, cursor moves, title changes) nor reorder what the reader sees. Everything
 * else is kept as is. Use it for human-readable output only; JSON output keeps the data exact.
 */
export function terminalText(value: string): string {
  return value.replace(unsafe, escapeOf);
}
