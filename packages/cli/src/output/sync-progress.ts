import type { Logger } from '@posturesync/core';
import type { SyncEvent } from '../engine.ts';
import type { Colors } from './color.ts';
import { formatCount, formatDuration } from './format.ts';
import type { LiveRegion } from './live-region.ts';
import { terminalText } from './terminal-text.ts';

interface StreamView {
  records: number;
  batches: number;
  recordsPerSecond: number;
  done: number | null;
  total: number | null;
  unit: string;
  etaMs: number | null;
}

export interface ProgressListener {
  handle(event: SyncEvent): void;
  /** Stops redrawing and removes the live lines (the run's summary is printed next). */
  stop(): void;
}

function streamFor(streams: Map<string, StreamView>, name: string): StreamView {
  let view = streams.get(name);
  if (!view) {
    view = { records: 0, batches: 0, recordsPerSecond: 0, done: null, total: null, unit: '', etaMs: null };
    streams.set(name, view);
  }
  return view;
}

function apply(streams: Map<string, StreamView>, event: SyncEvent): boolean {
  if (event.type === 'batch') {
    const view = streamFor(streams, event.stream.name);
    view.records = event.stream.records;
    view.batches = event.stream.batches;
    view.recordsPerSecond = event.stream.recordsPerSecond;
    return true;
  }
  if (event.type === 'progress') {
    const view = streamFor(streams, event.stream);
    view.done = event.done;
    view.total = event.total;
    view.unit = event.unit;
    view.etaMs = event.etaMs;
    return true;
  }
  return false;
}

export function describeStream(name: string, view: StreamView): string {
  const parts = [`${formatCount(view.records)} records`, `${formatCount(view.batches)} batches`];
  // One batch gives no meaningful rate: it would divide by almost nothing.
  if (view.batches > 1) parts.push(`${formatCount(view.recordsPerSecond)} records/s`);
  if (view.done !== null)
    parts.push(
      view.total === null
        ? `${formatCount(view.done)} ${view.unit}`
        : `${formatCount(view.done)}/${formatCount(view.total)} ${view.unit}`,
    );
  if (view.total !== null && view.done !== null && view.done >= view.total) parts.push('done');
  else if (view.total !== null && view.etaMs !== null) parts.push(`ETA ${formatDuration(view.etaMs)}`);
  return `${name}: ${parts.join('  ')}`;
}

/** The status while the server's rate limit holds every call back, e.g. "waiting for the Qualys rate limit (42 s)". */
export function describeThrottleWait(service: string, remainingMs: number): string {
  return `waiting for the ${service} rate limit (${Math.max(1, Math.ceil(remainingMs / 1000))} s)`;
}

/**
 * Live per-stream lines on a terminal (records, batches, rate, progress, ETA), redrawn at
 * most every `intervalMs` so a fast sync does not spend its time painting.
 */
export function createTerminalProgress(options: {
  live: LiveRegion;
  colors: Colors;
  instance: string;
  intervalMs?: number;
  clock?: () => number;
  /** Wall clock (ms since the epoch) for the throttle countdown; injectable for tests. */
  wallClock?: () => number;
}): ProgressListener {
  const streams = new Map<string, StreamView>();
  const interval = options.intervalMs ?? 100;
  const wallClock = options.wallClock ?? Date.now;
  let throttle: { service: string; until: number } | null = null;
  let ticker: NodeJS.Timeout | null = null;
  const clock = options.clock ?? (() => performance.now());
  let lastDraw = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | null = null;
  let status = 'starting';

  const draw = () => {
    timer = null;
    lastDraw = clock();
    const remaining = throttle ? throttle.until - wallClock() : 0;
    if (throttle && remaining <= 0) throttle = null;
    const shown = throttle ? describeThrottleWait(throttle.service, remaining) : status;
    const head = `${options.colors.bold(terminalText(options.instance))} ${options.colors.dim(shown)}`;
    options.live.update([
      head,
      ...[...streams].map(
        ([name, view]) => `  ${describeStream(options.colors.cyan(terminalText(name)), view)}`,
      ),
    ]);
  };
  const schedule = () => {
    const wait = lastDraw + interval - clock();
    if (wait <= 0) draw();
    else if (timer === null) {
      timer = setTimeout(draw, wait);
      timer.unref();
    }
  };

  return {
    handle(event) {
      if (event.type === 'start') {
        status = event.resumed ? `resuming run #${event.resumedFromRunId ?? '?'}` : 'syncing';
        schedule();
      } else if (event.type === 'warning') {
        options.live.print(`${options.colors.yellow('warn ')} ${terminalText(event.message)}`);
      } else if (event.type === 'throttled') {
        const until = Date.parse(event.until);
        if (!throttle || until > throttle.until) throttle = { service: event.service, until };
        // Count down once a second until the wait is over, then show the normal status again.
        if (ticker === null) {
          ticker = setInterval(() => {
            schedule();
            if (throttle === null && ticker !== null) {
              clearInterval(ticker);
              ticker = null;
            }
          }, 1000);
          ticker.unref();
        }
        schedule();
      } else if (apply(streams, event)) schedule();
    },
    stop() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      if (ticker !== null) clearInterval(ticker);
      ticker = null;
      options.live.clear();
    },
  };
}

/** Without a terminal: a structured log line per changed stream at most every `intervalMs`, and at the end. */
export function createLogProgress(options: {
  logger: Logger;
  instance: string;
  intervalMs?: number;
  clock?: () => number;
}): ProgressListener {
  const streams = new Map<string, StreamView>();
  const dirty = new Set<string>();
  const interval = options.intervalMs ?? 5000;
  const clock = options.clock ?? (() => performance.now());
  let lastLogged = clock();
  const flush = () => {
    lastLogged = clock();
    for (const name of dirty) {
      const view = streams.get(name);
      if (!view) continue;
      options.logger.info('sync progress', {
        instance: options.instance,
        stream: name,
        records: view.records,
        batches: view.batches,
        recordsPerSecond: Math.round(view.recordsPerSecond),
        done: view.done ?? undefined,
        total: view.total ?? undefined,
        unit: view.unit || undefined,
        etaMs: view.etaMs === null ? undefined : Math.round(view.etaMs),
      });
    }
    dirty.clear();
  };
  return {
    handle(event) {
      if (event.type === 'start') {
        options.logger.info(event.resumed ? 'sync resumed from the last checkpoint' : 'sync started', {
          instance: event.instance,
          runId: event.runId,
          resumedFromRunId: event.resumedFromRunId ?? undefined,
          full: event.full,
        });
        return;
      }
      if (event.type === 'warning') {
        options.logger.warn(event.message, { instance: options.instance, position: event.position });
        return;
      }
      if (event.type === 'throttled') {
        options.logger.info(describeThrottleWait(event.service, event.waitMs), {
          instance: options.instance,
          label: event.label,
          waitMs: event.waitMs,
          until: event.until,
          throttledWaits: event.throttledWaits,
        });
        return;
      }
      if (event.type === 'batch')
        options.logger.debug('batch committed', {
          instance: options.instance,
          stream: event.stream.name,
          position: event.position,
          records: event.records,
          quarantined: event.quarantined,
        });
      if (!apply(streams, event)) return;
      dirty.add(event.type === 'batch' ? event.stream.name : event.type === 'progress' ? event.stream : '');
      if (clock() - lastLogged >= interval) flush();
    },
    stop() {
      flush();
    },
  };
}
