/**
 * Text from the source (policy titles, control statements, server error messages) is printed
 * on a terminal; raw control characters there are an injection channel (OSC 8 links, CSI
 * cursor moves, BEL, title changes, bidi overrides that reorder what the user reads). Every
 * human-readable output passes source text through this; `--json` output keeps the data exact.
 *
 * C0 (except tab and newline), DEL, C1 and the bidi embedding/override/isolate characters
 * (U+202A-U+202E, U+2066-U+2069) become visible escapes such as `\x1b` and `\u202e`.
 */
export function terminalText(value: string): string {
  let result = '';
  let start = 0;
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (!isUnsafe(code)) continue;
    result += value.slice(start, index) + visibleEscape(code);
    start = index + 1;
  }
  return start === 0 ? value : result + value.slice(start);
}

function isUnsafe(code: number): boolean {
  if (code < 0x20) return code !== 0x09 && code !== 0x0a;
  if (code < 0x7f) return false;
  if (code <= 0x9f) return true; // DEL and C1
  return (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);
}

function visibleEscape(code: number): string {
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}
