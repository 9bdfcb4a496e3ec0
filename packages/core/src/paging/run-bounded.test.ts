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
    const gates = new Map<number, () => void>();
    let running = 0;
    let peak = 0;
    const generator = runBounded([0, 1, 2, 3], 2, async (item) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise<void>((resolve) => gates.set(item, resolve));
      running--;
      return item * 10;
    });
    const take = () => generator.next();
    const finish = async (item: number) => {
      while (!gates.has(item)) await delay(1);
      gates.get(item)?.();
    };
    const first = take();
    await finish(1);
    expect((await first).value).toBe(10);
    const second = take();
    await finish(2);
    expect((await second).value).toBe(20);
    const third = take();
    await finish(0);
    expect((await third).value).toBe(0);
    const fourth = take();
    await finish(3);
    expect((await fourth).value).toBe(30);
    expect((await take()).done).toBe(true);
    expect(peak).toBe(2);
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
