/**
 * Bounds what a streaming XML parser may buffer for one token (text node, CDATA, comment,
 * attribute value) without seeing inside it: the characters written since the parser last
 * emitted an event are counted per chunk. An event resets the count (the parser flushed its
 * buffer); a chunk with no event adds its whole length. So a token is refused once it passes
 * `maxLength`, at most one chunk late, before the parser has grown it any further.
 */
export interface TokenGuard {
  /** Call from every parser event handler. */
  onEvent(): void;
  /** Call after each chunk was written to the parser. */
  afterChunk(length: number): void;
}

export function createTokenGuard(maxLength: number, refuse: (length: number) => never): TokenGuard {
  let pending = 0;
  let sawEvent = false;
  return {
    onEvent() {
      sawEvent = true;
    },
    afterChunk(length) {
      // After an event inside this chunk, at most the rest of the chunk is buffered: count it whole.
      pending = sawEvent ? length : pending + length;
      sawEvent = false;
      if (pending > maxLength) refuse(pending);
    },
  };
}
