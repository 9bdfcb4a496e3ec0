import { describe, expect, it } from 'vitest';
import { createLogger } from '../log/logger.ts';
import { SecretRedactor } from '../log/redact.ts';
import { RateLimiter } from './rate-limiter.ts';
import { RateWindowRecorder } from './rate-window-recorder.ts';
import type { RateWindowKey, RateWindowSnapshot, RateWindowStore } from './rate-window-store.ts';

function memoryStore() {
  const rows = new Map<string, RateWindowSnapshot>();
  let saves = 0;
  const store: RateWindowStore = {
    load: (key) => rows.get(`${key.api} ${key.subscription}`) ?? null,
    save: (key, snapshot) => {
      saves++;
      rows.set(`${key.api} ${key.subscription}`, structuredClone(snapshot));
    },
  };
  return { store, rows, saves: () => saves };
}

const key: RateWindowKey = { api: 'https://gateway.example.test', subscription: 'alice' };
const logger = createLogger({ level: 'error', redactor: new SecretRedactor(), sink: () => {} });

function process(store: RateWindowStore, clock: { now: number }) {
  const limiter = new RateLimiter({ requests: 5, perMs: 10_000 }, { now: () => clock.now, marginMs: 0 });
  const recorder = new RateWindowRecorder({ store, key, limiter, now: () => clock.now, logger });
  recorder.load();
  limiter.onChange = (kind) => recorder.changed(kind);
  return { limiter, recorder };
}

describe('RateWindowRecorder', () => {
  it('issue 12: a second process starts from the window the first one left', async () => {
    const memory = memoryStore();
    const clock = { now: 1_000_000 };
    const first = process(memory.store, clock);
    for (let index = 0; index < 4; index++) (await first.limiter.acquire()).sent();
    first.recorder.close();
    expect(memory.rows.get(`${key.api} ${key.subscription}`)?.starts).toEqual([
      1_000_000, 1_000_000, 1_000_000, 1_000_000,
    ]);

    clock.now += 2000;
    const second = process(memory.store, clock);
    (await second.limiter.acquire()).sent();
    // 4 + 1 starts fill the limit of 5: the next slot opens when the first process's calls leave.
    expect(second.limiter.nextDelayMs).toBe(8000);
    second.recorder.close();
  });

  it('issue 12: a killed process (no close) never leaves a window emptier than the one it used', async () => {
    const memory = memoryStore();
    const clock = { now: 5_000_000 };
    const first = process(memory.store, clock);
    for (let index = 0; index < 3; index++) {
      (await first.limiter.acquire()).sent();
      clock.now += 10;
    }
    // Killed here: no close(), no trailing save. The stored window covers all 3 starts.
    const stored = memory.rows.get(`${key.api} ${key.subscription}`);
    expect(stored).toBeDefined();
    const latest = 5_000_020;
    expect(stored?.starts.filter((time) => time >= 5_000_000).length).toBeGreaterThanOrEqual(3);
    // Each start is stored no earlier than it was made.
    expect(Math.max(...(stored?.starts ?? []))).toBeGreaterThanOrEqual(latest);
  });

  it('issue 12: does not write once per call while calls come fast', async () => {
    const memory = memoryStore();
    const clock = { now: 9_000_000 };
    const limiter = new RateLimiter({ requests: 100, perMs: 1000 }, { now: () => clock.now, marginMs: 0 });
    const recorder = new RateWindowRecorder({
      store: memory.store,
      key,
      limiter,
      now: () => clock.now,
      logger,
    });
    limiter.onChange = (kind) => recorder.changed(kind);
    for (let index = 0; index < 50; index++) (await limiter.acquire()).sent();
    expect(memory.saves()).toBeLessThanOrEqual(3);
    recorder.close();
    expect(memory.rows.get(`${key.api} ${key.subscription}`)?.starts).toHaveLength(50);
  });

  it('issue 12: a learned lower limit and a server pause carry over to the next process', () => {
    const memory = memoryStore();
    memory.store.save(key, { starts: [], limit: { requests: 2, perMs: 10_000 }, pausedUntil: 1_000_500 });
    const clock = { now: 1_000_000 };
    const next = process(memory.store, clock);
    expect(next.limiter.limit).toEqual({ requests: 2, perMs: 10_000 });
    expect(next.limiter.pausedUntil).toBe(1_000_500);
  });

  it('a store that fails never breaks the calls', async () => {
    const clock = { now: 1 };
    const failing: RateWindowStore = {
      load: () => {
        throw new Error('disk gone');
      },
      save: () => {
        throw new Error('disk gone');
      },
    };
    const { limiter, recorder } = process(failing, clock);
    (await limiter.acquire()).sent();
    recorder.close();
  });
});
