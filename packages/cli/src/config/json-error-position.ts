/**
 * Where a JSON text first stops being valid JSON, found by a small scanner of our own. Why not
 * V8's message: it names no position for some errors ("Unexpected token '}', ... is not valid
 * JSON") and quotes a stretch of the text, which in a config file can be the password someone
 * wrote there by mistake. This returns an offset and a sentence that quotes at most one character.
 */
export interface JsonErrorPosition {
  offset: number;
  reason: string;
}

const whitespace = new Set([' ', '\t', '\n', '\r']);
const maxDepth = 512;

export function jsonErrorPosition(text: string): JsonErrorPosition | null {
  let index = 0;
  const fail = (reason: string): never => {
    throw { offset: index, reason } satisfies JsonErrorPosition;
  };
  const describe = () => (index >= text.length ? 'the end of the file' : `${JSON.stringify(text[index])}`);
  const skip = () => {
    while (index < text.length && whitespace.has(text[index] as string)) index++;
  };
  const literal = (word: string) => {
    for (const char of word) {
      if (text[index] !== char) fail(`expected ${JSON.stringify(word)}, found ${describe()}`);
      index++;
    }
  };
  const string = () => {
    index++; // opening quote
    while (index < text.length) {
      const char = text[index] as string;
      if (char === '"') {
        index++;
        return;
      }
      if (char === '\\') {
        index++;
        const escaped = text[index];
        if (escaped === 'u') {
          for (let digit = 1; digit <= 4; digit++) {
            if (!/^[0-9a-fA-F]$/.test(text[index + digit] ?? '')) {
              index += digit;
              fail('expected 4 hex digits after \\u');
            }
          }
          index += 5;
          continue;
        }
        if (escaped === undefined || !'"\\/bfnrt'.includes(escaped))
          fail(`invalid escape ${describe()} in a string`);
        index++;
        continue;
      }
      if (char.charCodeAt(0) < 0x20) fail('a control character (such as a line break) inside a string');
      index++;
    }
    fail('a string that is never closed');
  };
  const number = () => {
    const start = index;
    if (text[index] === '-') index++;
    if (text[index] === '0') index++;
    else if (/[1-9]/.test(text[index] ?? '')) while (/[0-9]/.test(text[index] ?? '')) index++;
    else fail(`expected a digit, found ${describe()}`);
    if (text[index] === '.') {
      index++;
      if (!/[0-9]/.test(text[index] ?? ''))
        fail(`expected a digit after the decimal point, found ${describe()}`);
      while (/[0-9]/.test(text[index] ?? '')) index++;
    }
    if (text[index] === 'e' || text[index] === 'E') {
      index++;
      if (text[index] === '+' || text[index] === '-') index++;
      if (!/[0-9]/.test(text[index] ?? '')) fail(`expected a digit in the exponent, found ${describe()}`);
      while (/[0-9]/.test(text[index] ?? '')) index++;
    }
    if (index === start) fail(`expected a value, found ${describe()}`);
  };
  const value = (depth: number): void => {
    if (depth > maxDepth) fail(`nested deeper than ${maxDepth} levels`);
    skip();
    const char = text[index];
    if (char === '{') {
      index++;
      skip();
      if (text[index] === '}') {
        index++;
        return;
      }
      for (;;) {
        skip();
        if (text[index] !== '"') fail(`expected a quoted key, found ${describe()}`);
        string();
        skip();
        if (text[index] !== ':') fail(`expected ":" after the key, found ${describe()}`);
        index++;
        value(depth + 1);
        skip();
        if (text[index] === ',') {
          index++;
          continue;
        }
        if (text[index] === '}') {
          index++;
          return;
        }
        fail(`expected "," or "}" after a value, found ${describe()}`);
      }
    }
    if (char === '[') {
      index++;
      skip();
      if (text[index] === ']') {
        index++;
        return;
      }
      for (;;) {
        value(depth + 1);
        skip();
        if (text[index] === ',') {
          index++;
          continue;
        }
        if (text[index] === ']') {
          index++;
          return;
        }
        fail(`expected "," or "]" after a value, found ${describe()}`);
      }
    }
    if (char === '"') string();
    else if (char === 't') literal('true');
    else if (char === 'f') literal('false');
    else if (char === 'n') literal('null');
    else if (char === '-' || /[0-9]/.test(char ?? '')) number();
    else fail(`expected a value, found ${describe()}`);
  };
  try {
    if (text.charCodeAt(0) === 0xfeff) index++;
    value(0);
    skip();
    if (index < text.length) fail(`unexpected ${describe()} after the end of the document`);
    return null;
  } catch (caught) {
    if (caught !== null && typeof caught === 'object' && 'offset' in caught)
      return caught as JsonErrorPosition;
    throw caught;
  }
}
