import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { CancelledError, ConfigError } from '../errors/index.ts';
import { runBounded } from './run-bounded.ts';

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const results: T[] = [];
  for await (const item of iterable) results.push(item);
  return results;
}

describe('runBounded', () => {
  it('runs at most N workers at once and yields results in completion order', async () => {
    let running = 0;
    let peak = 0;
    const durations = [40, 5, 25, 5, 10, 5];
    const results = await collect(
      runBounded(durations, 2, async (ms, index) => {
        running++;
        peak = Math.max(peak, running);
        await delay(ms);
        running--;
        return index;
      }),
    );
    expect(peak).toBe(2);
    expect([...results].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(results[0]).toBe(1);
    expect(results.at(-1)).not.toBe(5);
  });

  it('does not run ahead of a slow consumer', async () => {
    let started = 0;
    const generator = runBounded([1, 2, 3, 4, 5, 6], 2, async (item) => {
      started++;
      return item;
    });
    await generator.next();
    await delay(10);
    // One result taken, at most two finished-or-running: three started in total.
    expect(started).toBeLessThanOrEqual(3);
    await generator.return();
  });

  it('propagates the first error after in-flight work settles, starting nothing new', async () => {
    const settled: number[] = [];
    const started: number[] = [];
    const run = collect(
      runBounded([0, 1, 2, 3, 4], 2, async (item, _index, signal) => {
        started.push(item);
        if (item === 0) {
          await delay(5);
          throw new Error('batch 0 failed');
        }
        await delay(30);
        settled.push(item);
        expect(signal.aborted).toBe(true);
        return item;
      }),
    );
    await expect(run).rejects.toThrow('batch 0 failed');
    expect(started).toEqual([0, 1]);
    expect(settled).toEqual([1]);
  });

  it('stops new work on abort and throws CancelledError once running work settled', async () => {
    const controller = new AbortController();
    const started: number[] = [];
    let settled = 0;
    const run = collect(
      runBounded(
        [1, 2, 3, 4, 5],
        2,
        async (item) => {
          started.push(item);
          await delay(30);
          settled++;
          return item;
        },
        { signal: controller.signal },
      ),
    );
    setTimeout(() => controller.abort(), 10);
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(started).toEqual([1, 2]);
    expect(settled).toBe(2);
  });

  it('accepts async iterables as input and validates the concurrency', async () => {
    async function* ids() {
      yield 'a';
      yield 'b';
    }
    expect((await collect(runBounded(ids(), 3, async (id) => id.toUpperCase()))).sort()).toEqual(['A', 'B']);
    await expect(collect(runBounded([1], 0, async (item) => item))).rejects.toBeInstanceOf(ConfigError);
  });
});
