import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger, LogRecord } from '@posturesync/core';
import { createLogger, SecretRedactor } from '@posturesync/core';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.ts';
import type { SyncEvent } from '../src/engine.ts';
import { createColors } from '../src/output/color.ts';
import { LiveRegion } from '../src/output/live-region.ts';
import { createLogProgress, createTerminalProgress } from '../src/output/sync-progress.ts';
import { fakeRegistry } from './support/fake-connector.ts';
import { FakeTerminal } from './support/fake-terminal.ts';
import { tempDirectory } from './support/run-cli.ts';

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
const progress = (done: number, total: number | null = 10): SyncEvent => ({
  type: 'progress',
  stream: 'postureInfo',
  done,
  total,
  unit: 'requests',
  ratePerSecond: 2,
  etaMs: total === null ? null : ((total - done) / 2) * 1000,
});
const start = (overrides: Partial<Extract<SyncEvent, { type: 'start' }>> = {}): SyncEvent => ({
  type: 'start',
  runId: 1,
  instance: 'pcrs-prod',
  connectorId: 'qualys-pcrs',
  generation: 1,
  resumed: false,
  resumedFromRunId: null,
  full: false,
  ...overrides,
});

describe('terminal progress', () => {
  it('issue 12: shows "waiting for the Qualys rate limit (NN s)" while the server throttles, then the normal status', () => {
    const terminal = new FakeTerminal();
    const live = new LiveRegion(terminal);
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
    expect(terminal.screen()[0]).toBe('pcrs-prod waiting for the Qualys rate limit (42 s)');
    now = 400;
    wall += 43_000;
    view.handle(progress(5));
    expect(terminal.screen()[0]).toBe('pcrs-prod syncing (full)');
    view.stop();
    expect(terminal.screen()).toEqual([]);
  });

  it('issue 15: a bar per stream once its total is known, with rate and ETA; counts only before that', () => {
    const terminal = new FakeTerminal();
    let now = 0;
    const view = createTerminalProgress({
      live: new LiveRegion(terminal),
      colors: createColors(false),
      instance: 'pcrs-prod',
      intervalMs: 100,
      clock: () => now,
    });
    view.handle(start({ runId: 3, generation: 2, resumed: true, resumedFromRunId: 2 }));
    expect(terminal.screen()).toEqual(['pcrs-prod resuming run #2']);
    const drawn = terminal.written.length;
    view.handle(batch(500, 2));
    view.handle(progress(4, null));
    expect(terminal.written.length).toBe(drawn); // within the interval: nothing redrawn yet
    now = 150;
    view.handle(progress(4, null));
    expect(terminal.screen()[1]).toBe('  postureInfo: 500 records  250 records/s  2 batches  4 requests');
    now = 300;
    view.handle(progress(4));
    expect(terminal.screen()[1]).toBe(
      '  postureInfo [████████░░░░░░░░░░░░]  40%  4/10 requests  ETA 3.0s  2.0 requests/s  · 500 records  250 records/s',
    );
    now = 450;
    view.handle(progress(10));
    expect(terminal.screen()[1]).toBe(
      '  postureInfo [████████████████████]  100%  10/10 requests  done  · 500 records  250 records/s',
    );
    expect(terminal.screen()).toHaveLength(2);
    view.stop();
    expect(terminal.screen()).toEqual([]);
  });

  it('issue 15: the status says incremental, full or first sync', () => {
    const statusOf = (event: SyncEvent) => {
      const terminal = new FakeTerminal();
      const view = createTerminalProgress({
        live: new LiveRegion(terminal),
        colors: createColors(false),
        instance: 'pcrs-prod',
      });
      view.handle(event);
      view.stop();
      return terminal.written;
    };
    expect(statusOf(start({ mode: 'incremental' }))).toContain('pcrs-prod syncing (incremental)');
    expect(statusOf(start({ mode: 'first' }))).toContain('pcrs-prod syncing (first sync: everything)');
    expect(statusOf(start({ mode: 'full', full: true }))).toContain('pcrs-prod syncing (full)');
  });

  it('issue 15: nothing is drawn after stop, whatever arrives late (no stale frame after the summary)', () => {
    const terminal = new FakeTerminal();
    let now = 0;
    const view = createTerminalProgress({
      live: new LiveRegion(terminal),
      colors: createColors(false),
      instance: 'pcrs-prod',
      intervalMs: 100,
      clock: () => now,
    });
    view.handle(start());
    view.handle(batch(100, 1)); // scheduled, not yet drawn
    view.stop();
    const written = terminal.written.length;
    now = 1000;
    view.handle(progress(5));
    view.handle({
      type: 'throttled',
      service: 'Qualys',
      label: 'late',
      waitMs: 5000,
      until: new Date(Date.now() + 5000).toISOString(),
      throttledWaits: 1,
      throttledWaitMs: 5000,
    });
    view.handle({ type: 'warning', message: 'late warning' });
    expect(terminal.written.length).toBe(written);
    expect(terminal.screen()).toEqual([]);
  });

  it('issue 15: draws on a terminal that reports no size (0 x 0, as under `script`)', () => {
    const terminal = new FakeTerminal(0);
    terminal.rows = 0;
    const live = new LiveRegion(terminal);
    live.update(['status one']);
    expect(terminal.screen()).toEqual(['status one']);
    live.clear();
    expect(terminal.screen()).toEqual([]);
  });

  it('log lines print above the live lines, which are redrawn below them', () => {
    const terminal = new FakeTerminal(40);
    const live = new LiveRegion(terminal);
    live.update(['status one', 'status two']);
    live.print('a log line');
    live.update(['status three', 'status two']);
    expect(terminal.screen()).toEqual(['a log line', 'status three', 'status two']);
    live.clear();
    expect(terminal.screen()).toEqual(['a log line']);
  });

  it('live lines are cut to the terminal width, so a status line never wraps', () => {
    const terminal = new FakeTerminal(30);
    const live = new LiveRegion(terminal);
    live.update(['a status line that is much longer than thirty columns', 'short']);
    expect(terminal.screen()).toEqual(['a status line that is much l…', 'short']);
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

describe('issue 15: sync on a terminal ends with the summary, never a progress frame', () => {
  function project(mode: string): string {
    const cwd = tempDirectory();
    writeFileSync(
      join(cwd, 'posturesync.config.yaml'),
      `database: ./data/test.db\nconnectors:\n  - name: fake-a\n    type: fake\n    url: https://fake.example.test\n    username: alice\n    mode: ${mode}\n`,
      { mode: 0o600 },
    );
    return cwd;
  }
  const env = { FAKE_PASSWORD: 'fake-secret-hunter2', NO_COLOR: '1' };

  /** One terminal for stdout and stderr, as a person running the command has. */
  async function syncOnTerminal(
    mode: string,
    options: { cancelWhen?: (terminal: FakeTerminal) => boolean } = {},
  ) {
    const terminal = new FakeTerminal();
    const controller = new AbortController();
    const running = runCli(['sync'], {
      cwd: project(mode),
      env,
      registry: fakeRegistry,
      isTTY: true,
      stdout: terminal,
      stderr: terminal,
      signal: controller.signal,
    });
    if (options.cancelWhen) {
      const deadline = Date.now() + 5000;
      while (!options.cancelWhen(terminal) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 10));
      controller.abort();
    }
    return { code: await running, terminal };
  }

  /** The summary is the last thing written: after its first line, not one escape sequence. */
  function expectSummaryLast(terminal: FakeTerminal, firstLine: string) {
    const at = terminal.written.lastIndexOf(firstLine);
    expect(at).toBeGreaterThan(-1);
    const tail = terminal.written.slice(at);
    expect(tail).not.toContain('\x1b');
    expect(tail.endsWith('\n')).toBe(true);
    const screen = terminal.screen();
    expect(screen.join('\n').endsWith(tail.trimEnd())).toBe(true);
    // No frame header and no bar anywhere on screen.
    expect(screen.some((line) => /^fake-a (syncing|waiting|resuming|starting)/.test(line))).toBe(false);
    expect(screen.some((line) => line.includes('█') || line.includes('░'))).toBe(false);
  }

  it('after a successful sync', async () => {
    const { code, terminal } = await syncOnTerminal('ok');
    expect(code).toBe(0);
    expectSummaryLast(terminal, '✓ fake-a (fake) succeeded');
  });

  it('after a failed sync', async () => {
    const { code, terminal } = await syncOnTerminal('fail');
    expect(code).toBe(5);
    expectSummaryLast(terminal, '✗ fake-a (fake) failed');
  });

  it('after a sync cancelled while it waited for the rate limit (shown as such)', async () => {
    const { code, terminal } = await syncOnTerminal('hang', {
      cancelWhen: (screen) =>
        screen.screen().some((line) => line.startsWith('fake-a waiting for the Fake rate limit')),
    });
    expect(terminal.written).toMatch(/fake-a waiting for the Fake rate limit \(\d+ s\)/);
    expect(code).toBe(130);
    expectSummaryLast(terminal, '✗ fake-a (fake) cancelled');
  });
});
