import { describe, expect, it } from 'vitest';
import { workerThreadsFromEnvironment } from './worker-threads-setting.ts';

describe('worker threads setting (issue 18)', () => {
  it('is on with two cores or more, off on one core (no slower under taskset -c 0)', () => {
    expect(workerThreadsFromEnvironment({}, 2)).toBe(true);
    expect(workerThreadsFromEnvironment({}, 1)).toBe(false);
  });

  it('POSTURESYNC_WORKER_THREADS turns it off or forces it on', () => {
    for (const value of ['0', 'off', 'false', 'no', ' OFF ']) {
      expect(workerThreadsFromEnvironment({ POSTURESYNC_WORKER_THREADS: value }, 8)).toBe(false);
    }
    for (const value of ['1', 'on', 'true', 'yes']) {
      expect(workerThreadsFromEnvironment({ POSTURESYNC_WORKER_THREADS: value }, 1)).toBe(true);
    }
    expect(workerThreadsFromEnvironment({ POSTURESYNC_WORKER_THREADS: 'maybe' }, 1)).toBe(false);
  });
});
