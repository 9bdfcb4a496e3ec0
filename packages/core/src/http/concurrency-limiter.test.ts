import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { CancelledError } from '../errors/index.ts';
import { ConcurrencyLimiter } from './concurrency-limiter.ts';

describe('ConcurrencyLimiter', () => {
  it('never runs more than the limit and serves waiters in order', async () => {
    const limiter = new ConcurrencyLimiter(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 7 }, async (_, index) => {
        const release = await limiter.acquire();
        order.push(index);
        running++;
        peak = Math.max(peak, running);
        await delay(5);
        running--;
        release();
      }),
    );
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(limiter.active).toBe(0);
  });

  it('applies a lowered limit to new calls without interrupting running ones', async () => {
    const limiter = new ConcurrencyLimiter(3);
    const first = await limiter.acquire();
    const second = await limiter.acquire();
    limiter.setLimit(1);
    let granted = false;
    const third = limiter.acquire().then((release) => {
      granted = true;
      return release;
    });
    first();
    await delay(1);
    expect(granted).toBe(false);
    second();
    (await third)();
    expect(granted).toBe(true);
  });

  it('releases are idempotent and an aborted waiter leaves the queue', async () => {
    const limiter = new ConcurrencyLimiter(1);
    const release = await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    expect(limiter.waiting).toBe(1);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(CancelledError);
    expect(limiter.waiting).toBe(0);
    release();
    release();
    expect(limiter.active).toBe(0);
  });
});
