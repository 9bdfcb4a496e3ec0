/**
 * Incremental splitter for a top-level JSON array of objects (`[{...},{...}]`), the shape of
 * every postureInfo response. It tracks only nesting depth and string/escape state over the
 * decoded text and hands back each complete element's text, so a response of hundreds of MB
 * is never held in memory: only the element being read is buffered.
 *
 * Inside strings it jumps from quote to quote with `indexOf` (native), which is where most of
 * a posture record's characters are; it walks character by character only through the small
 * structural parts.
 */

export type JsonStreamErrorKind = 'truncated' | 'malformed';

export class JsonStreamError extends Error {
  readonly kind: JsonStreamErrorKind;
  /** Characters of decoded text consumed before the problem. */
  readonly offset: number;
  /** Complete elements seen before the problem. */
  readonly elements: number;
  constructor(kind: JsonStreamErrorKind, message: string, offset: number, elements: number) {
    super(message);
    this.name = 'JsonStreamError';
    this.kind = kind;
    this.offset = offset;
    this.elements = elements;
  }
}

const START = 0;
const AFTER_OPEN = 1;
const ELEMENT = 2;
const AFTER_ELEMENT = 3;
const AFTER_COMMA = 4;
const END = 5;

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COMMA = 44;

function isWhitespace(code: number): boolean {
  return code === 32 || code === 10 || code === 13 || code === 9 || code === 0xfeff;
}

function describe(code: number): string {
  return JSON.stringify(String.fromCharCode(code));
}

/**
 * A posture record is a few KB even with extended evidence; an element this large means a
 * broken or hostile stream, and buffering it further would exhaust memory.
 */
export const defaultMaxElementChars = 64 * 1024 * 1024;

export class JsonArraySplitter {
  readonly #maxElementChars: number;
  #pendingChars = 0;
  #state = START;
  #depth = 0;
  #inString = false;
  /** Parity of backslashes that ended the previous chunk while inside a string. */
  #carriedBackslash = false;
  /** Pieces of the element in progress from earlier chunks. */
  #pieces: string[] = [];
  #offset = 0;
  #elements = 0;

  constructor(options: { maxElementChars?: number } = {}) {
    this.#maxElementChars = options.maxElementChars ?? defaultMaxElementChars;
  }

  /** Complete elements so far. */
  get elements(): number {
    return this.#elements;
  }

  /** Characters consumed so far. */
  get offset(): number {
    return this.#offset;
  }

  /** Feeds the next piece of decoded text; returns the texts of the elements it completed. */
  push(chunk: string): string[] {
    const out: string[] = [];
    const length = chunk.length;
    let state = this.#state;
    let depth = this.#depth;
    let inString = this.#inString;
    let elementStart = state === ELEMENT ? 0 : -1;
    let index = 0;

    while (index < length) {
      if (state === ELEMENT) {
        if (inString) {
          const quote = chunk.indexOf('"', index);
          if (quote === -1) {
            index = length;
            break;
          }
          let back = quote - 1;
          let backslashes = 0;
          while (back >= 0 && chunk.charCodeAt(back) === BACKSLASH) {
            backslashes++;
            back--;
          }
          if (back < 0 && this.#carriedBackslash) backslashes++;
          index = quote + 1;
          if ((backslashes & 1) === 0) inString = false;
          continue;
        }
        const code = chunk.charCodeAt(index);
        if (code === QUOTE) {
          inString = true;
        } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
          depth++;
        } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
          depth--;
          if (depth === 0) {
            const tail = chunk.slice(elementStart, index + 1);
            if (this.#pieces.length > 0) {
              this.#pieces.push(tail);
              out.push(this.#pieces.join(''));
              this.#pieces = [];
              this.#pendingChars = 0;
            } else {
              out.push(tail);
            }
            this.#elements++;
            elementStart = -1;
            state = AFTER_ELEMENT;
          }
        }
        index++;
        continue;
      }

      const code = chunk.charCodeAt(index);
      if (isWhitespace(code)) {
        index++;
        continue;
      }
      if (state === START) {
        if (code !== OPEN_BRACKET)
          this.#fail(`expected "[" to open the array, found ${describe(code)}`, index);
        state = AFTER_OPEN;
      } else if (state === AFTER_OPEN || state === AFTER_COMMA) {
        if (code === OPEN_BRACE) {
          state = ELEMENT;
          depth = 1;
          elementStart = index;
        } else if (code === CLOSE_BRACKET && state === AFTER_OPEN) {
          state = END;
        } else {
          this.#fail(`expected a JSON object in the array, found ${describe(code)}`, index);
        }
      } else if (state === AFTER_ELEMENT) {
        if (code === COMMA) state = AFTER_COMMA;
        else if (code === CLOSE_BRACKET) state = END;
        else this.#fail(`expected "," or "]" after a record, found ${describe(code)}`, index);
      } else {
        this.#fail(`unexpected ${describe(code)} after the end of the array`, index);
      }
      index++;
    }

    if (state === ELEMENT) {
      const piece = elementStart <= 0 ? chunk : chunk.slice(elementStart);
      this.#pendingChars += piece.length;
      if (this.#pendingChars > this.#maxElementChars) {
        this.#fail(`a single record is larger than ${this.#maxElementChars} characters`, length);
      }
      this.#pieces.push(piece);
      if (inString) {
        let back = length - 1;
        let backslashes = 0;
        while (back >= 0 && chunk.charCodeAt(back) === BACKSLASH) {
          backslashes++;
          back--;
        }
        if (back < 0 && this.#carriedBackslash) backslashes++;
        this.#carriedBackslash = (backslashes & 1) === 1;
      } else {
        this.#carriedBackslash = false;
      }
    } else {
      this.#carriedBackslash = false;
    }
    this.#state = state;
    this.#depth = depth;
    this.#inString = inString;
    this.#offset += length;
    return out;
  }

  /**
   * Declares the end of the input. An empty input counts as an empty array (some gateways
   * answer 200 with no body); anything else must have closed the array.
   */
  end(): void {
    if (this.#state === END) return;
    if (this.#state === START) return;
    throw new JsonStreamError(
      'truncated',
      `the response ended inside the JSON array after ${this.#elements} complete records`,
      this.#offset,
      this.#elements,
    );
  }

  #fail(message: string, index: number): never {
    throw new JsonStreamError('malformed', message, this.#offset + index, this.#elements);
  }
}

const integerSource = /^-?\d+$/;

function keepLargeIntegersExact(_key: string, value: unknown, context?: { source?: string }): unknown {
  if (
    typeof value === 'number' &&
    !Number.isSafeInteger(value) &&
    context?.source !== undefined &&
    integerSource.test(context.source)
  ) {
    return context.source;
  }
  return value;
}

/** Top-level fields of a posture record that hold integer IDs. */
const idFields = ['id', 'hostId', 'assetId', 'policyId', 'controlId', 'technologyId', 'networkId'] as const;

function hasUnsafeId(record: Record<string, unknown>): boolean {
  for (const field of idFields) {
    const value = record[field];
    if (typeof value === 'number' && !Number.isSafeInteger(value) && Number.isInteger(value)) return true;
  }
  return false;
}

/**
 * Parses one element with plain `JSON.parse`. Posture record IDs can exceed 2^53, where a double
 * loses digits; when an ID field came back as such a number, the element is parsed again with
 * a reviver that reads those integers from the JSON source text, so they arrive as their exact
 * decimal string. (Checking the few ID fields after the fact is far cheaper than scanning every
 * element's text for long digit runs.)
 */
export function parseJsonElement(text: string): unknown {
  const value: unknown = JSON.parse(text);
  if (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    hasUnsafeId(value as Record<string, unknown>)
  ) {
    return JSON.parse(text, keepLargeIntegersExact as (key: string, value: unknown) => unknown);
  }
  return value;
}
