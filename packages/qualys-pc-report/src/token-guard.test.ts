import { describe, expect, it } from 'vitest';
import { createTokenGuard } from './token-guard.ts';

const refuse = (length: number): never => {
  throw new Error(`too long: ${length}`);
};

describe('createTokenGuard', () => {
  it('issue 13: refuses a token that grows past the limit over several chunks without an event', () => {
    const guard = createTokenGuard(100, refuse);
    guard.afterChunk(40);
    guard.afterChunk(40);
    expect(() => guard.afterChunk(40)).toThrow('too long: 120');
  });

  it('an event between chunks starts the count again', () => {
    const guard = createTokenGuard(100, refuse);
    for (let index = 0; index < 10; index++) {
      guard.afterChunk(60);
      guard.onEvent();
    }
    guard.afterChunk(60);
    expect(() => guard.afterChunk(60)).toThrow('too long: 120');
  });
});
