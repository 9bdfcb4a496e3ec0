import type { Logger, LogRecord } from '@posturesync/core';
import { createLogger, SecretRedactor } from '@posturesync/core';
import { describe, expect, it } from 'vitest';
import type { SyncEvent } from '../src/engine.ts';
import { createColors, visibleLength } from '../src/output/color.ts';
import { LiveRegion } from '../src/output/live-region.ts';
import { createLogProgress, createTerminalProgress } from '../src/output/sync-progress.ts';

const counts = { hosts: 0, policies: 0, definitions: 0, violations: 10 };
const batch = (records: number, batches: number): SyncEvent => ({
  type: 'batch',
  stream: { name: 'postureInfo', records, batches, recordsPerSecond: 250 },
  position: `batch ${batches}`,
  records: counts,
  quarantined: 0,
  totals: counts,
  batches,
  elapsedMs: 40,
});
const progress = (done: number): SyncEvent => ({
  type: 'progress',
  stream: 'postureInfo',
  done,
  total: 10,
  unit: 'requests',
  ratePerSecond: 2,
  etaMs: ((10 - done) / 2) * 1000,
});

describe('terminal progress', () => {
  it('issue 12: shows "waiting for the Qualys rate limit (NN s)" while the server throttles, then the normal status', () => {
    let screen = '';
    const live = new LiveRegion({ write: (chunk: string) => (screen += chunk) }, () => 120);
    let now = 0;
    let wall = Date.parse('2026-01-01T00:00:00Z');
    const view = createTerminalProgress({
      live,
      colors: createColors(false),
      instance: 'pcrs-prod',
      intervalMs: 100,
      clock: () => now,
      wallClock: () => wall,
    });
    view.handle({
      type: 'start',
      runId: 1,
      instance: 'pcrs-prod',
      connectorId: 'qualys-pcrs',
      generation: 1,
      resumed: false,
      resumedFromRunId: null,
      full: true,
    });
    now = 200;
    view.handle({
      type: 'throttled',
      service: 'Qualys',
      label: 'postureInfo policy 7',
      waitMs: 42_000,
      until: new Date(wall + 42_000).toISOString(),
      throttledWaits: 1,
      throttledWaitMs: 42_000,
    });
    expect(screen).toContain('pcrs-prod waiting for the Qualys rate limit (42 s)');
    now = 400;
    wall += 43_000;
    view.handle(progress(5));
    expect(screen.slice(screen.lastIndexOf('pcrs-prod'))).toContain('pcrs-prod syncing');
    view.stop();
  });

  it('shows records, batches, rate, progress and ETA per stream, redrawn at most every interval', () => {
    let screen = '';
    const live = new LiveRegion({ write: (chunk: string) => (screen += chunk) }, () => 120);
    let now = 0;
    const view = createTerminalProgress({
      live,
      colors: createColors(false),
      instance: 'pcrs-prod',
      intervalMs: 100,
      clock: () => now,
    });
    view.handle({
      type: 'start',
      runId: 3,
      instance: 'pcrs-prod',
      connectorId: 'qualys-pcrs',
      generation: 2,
      resumed: true,
      resumedFromRunId: 2,
      full: false,
    });
    expect(screen).toContain('pcrs-prod resuming run #2');
    const drawn = screen.length;
    view.handle(batch(500, 2));
    view.handle(progress(4));
    expect(screen.length).toBe(drawn); // within the interval: nothing redrawn yet
    now = 150;
    view.handle(progress(4));
    expect(screen).toContain('postureInfo: 500 records  2 batches  250 records/s  4/10 requests  ETA 3.0s');
    view.stop();
    expect(screen.endsWith('\x1b[J')).toBe(true);
  });

  it('log lines print above the live lines, which are cut to the terminal width', () => {
    let screen = '';
    const live = new LiveRegion({ write: (chunk: string) => (screen += chunk) }, () => 30);
    live.update(['a status line that is much longer than thirty columns']);
    live.print('a log line');
    const lines = screen.split('\n');
    expect(screen).toContain('\x1b[1F\x1b[Ja log line\n');
    expect(lines.every((line) => visibleLength(line) <= 30)).toBe(true);
  });
});

describe('progress without a terminal', () => {
  it('logs structured progress per stream at most every interval and once at the end', () => {
    const records: LogRecord[] = [];
    const logger: Logger = createLogger({
      redactor: new SecretRedactor(),
      sink: (record) => records.push(record),
    });
    let now = 0;
    const view = createLogProgress({ logger, instance: 'pcrs-prod', intervalMs: 5000, clock: () => now });
    view.handle(batch(100, 1));
    view.handle(progress(1));
    expect(records.filter((record) => record.message === 'sync progress')).toHaveLength(0);
    now = 6000;
    view.handle(batch(200, 2));
    now = 7000;
    view.handle(progress(2));
    view.stop();
    const logged = records.filter((record) => record.message === 'sync progress');
    expect(logged).toHaveLength(2);
    expect(logged[1]).toMatchObject({
      instance: 'pcrs-prod',
      stream: 'postureInfo',
      records: 200,
      done: 2,
      total: 10,
    });
  });
});
