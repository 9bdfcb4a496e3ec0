import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { CancelledError } from '../errors/index.ts';
import { mergeAsyncIterables } from './merge-async-iterables.ts';

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const results: T[] = [];
  for await (const item of iterable) results.push(item);
  return results;
}

function producer(name: string, count: number, ms: number, log: string[] = []) {
  return async function* () {
    try {
      for (let index = 0; index < count; index++) {
        await delay(ms);
        log.push(`${name}${index}`);
        yield `${name}${index}`;
      }
    } finally {
      log.push(`${name}:closed`);
    }
  };
}

describe('mergeAsyncIterables', () => {
  it('yields every item of every source, interleaved as they arrive', async () => {
    const items = await collect(mergeAsyncIterables([producer('a', 3, 5)(), producer('b', 3, 7)()], 2));
    expect([...items].sort()).toEqual(['a0', 'a1', 'a2', 'b0', 'b1', 'b2']);
    expect(items.slice(0, 2).sort()).toEqual(['a0', 'b0']);
  });

  it('runs at most N sources at once, starting later ones as earlier ones finish', async () => {
    let active = 0;
    let peak = 0;
    const source = (name: string) =>
      async function* () {
        active++;
        peak = Math.max(peak, active);
        await delay(5);
        yield name;
        active--;
      };
    const items = await collect(
      mergeAsyncIterables(
        ['a', 'b', 'c', 'd', 'e'].map((name) => source(name)()),
        2,
      ),
    );
    expect(items.sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(peak).toBe(2);
  });

  it('backpressure: a producer runs at most one item ahead of the consumer', async () => {
    const log: string[] = [];
    const merged = mergeAsyncIterables([producer('a', 10, 1, log)()], 1);
    expect((await merged.next()).value).toBe('a0');
    await delay(30);
    // a0 was taken; a1 may be produced and held, nothing more.
    expect(log).toEqual(['a0', 'a1']);
    await merged.return();
    expect(log.at(-1)).toBe('a:closed');
  });

  it('the first error stops the merge and closes the other sources; factories see their signal abort', async () => {
    const log: string[] = [];
    let sawAbort = false;
    async function* failing() {
      yield 'first record';
      await delay(5);
      throw new Error('download broke');
    }
    const watching = (signal: AbortSignal) =>
      (async function* () {
        try {
          while (!signal.aborted) {
            await delay(2);
            yield 'tick';
          }
        } finally {
          sawAbort = signal.aborted;
          log.push('watching:closed');
        }
      })();
    await expect(collect(mergeAsyncIterables([watching, failing()], 2))).rejects.toThrow('download broke');
    expect(sawAbort).toBe(true);
    expect(log).toContain('watching:closed');
  });

  it('an abort ends the merge with CancelledError', async () => {
    const controller = new AbortController();
    const run = collect(mergeAsyncIterables([producer('a', 100, 5)()], 1, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 20);
    await expect(run).rejects.toBeInstanceOf(CancelledError);
  });
});
