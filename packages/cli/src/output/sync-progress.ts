import type { Logger } from '@posturesync/core';
import type { SyncEvent } from '../engine.ts';
import type { Colors } from './color.ts';
import { formatCount, formatDuration, formatRate } from './format.ts';
import type { LiveRegion } from './live-region.ts';
import { progressBar, progressPercent } from './progress-bar.ts';
import { terminalText } from './terminal-text.ts';

export interface StreamView {
  records: number;
  batches: number;
  recordsPerSecond: number;
  done: number | null;
  total: number | null;
  unit: string;
  /** Units (e.g. requests) per second, or null until measurable. */
  ratePerSecond: number | null;
  etaMs: number | null;
}

export interface ProgressListener {
  handle(event: SyncEvent): void;
  /** Stops redrawing for good and removes the live lines (the run's summary is printed next). */
  stop(): void;
}

function streamFor(streams: Map<string, StreamView>, name: string): StreamView {
  let view = streams.get(name);
  if (!view) {
    view = {
      records: 0,
      batches: 0,
      recordsPerSecond: 0,
      done: null,
      total: null,
      unit: '',
      ratePerSecond: null,
      etaMs: null,
    };
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
    view.ratePerSecond = event.ratePerSecond;
    view.etaMs = event.etaMs;
    return true;
  }
  return false;
}

/**
 * One stream's line. With a known total: a bar, percent, done/total, the unit's rate and the
 * ETA, then the records stored so far; without one: counts and the records' rate only.
 */
export function describeStream(name: string, view: StreamView): string {
  const records = [`${formatCount(view.records)} records`];
  // One batch gives no meaningful rate: it would divide by almost nothing.
  if (view.batches > 1) records.push(`${formatCount(view.recordsPerSecond)} records/s`);
  const unit = terminalText(view.unit);
  if (view.done !== null && view.total !== null) {
    const finished = view.done >= view.total;
    const parts = [
      progressBar(view.done, view.total),
      progressPercent(view.done, view.total),
      `${formatCount(view.done)}/${formatCount(view.total)} ${unit}`,
    ];
    // ETA before the rate: on a narrow terminal the line is cut from the right.
    if (finished) parts.push('done');
    else if (view.etaMs !== null) parts.push(`ETA ${formatDuration(view.etaMs)}`);
    else parts.push('ETA …');
    if (!finished && view.ratePerSecond !== null) parts.push(`${formatRate(view.ratePerSecond)} ${unit}/s`);
    return `${name} ${parts.join('  ')}  · ${records.join('  ')}`;
  }
  const parts = [...records, `${formatCount(view.batches)} batches`];
  if (view.done !== null) parts.push(`${formatCount(view.done)} ${unit}`);
  return `${name}: ${parts.join('  ')}`;
}

/** The status while the server's rate limit holds every call back, e.g. "waiting for the Qualys rate limit (42 s)". */
export function describeThrottleWait(service: string, remainingMs: number): string {
  return `waiting for the ${service} rate limit (${Math.max(1, Math.ceil(remainingMs / 1000))} s)`;
}

/** The header's status once a run started: what kind of run it is. */
export function describeStart(event: Extract<SyncEvent, { type: 'start' }>): string {
  if (event.resumed) return `resuming run #${event.resumedFromRunId ?? '?'}`;
  const mode = event.mode ?? (event.full ? 'full' : undefined);
  if (mode === 'full') return 'syncing (full)';
  if (mode === 'incremental') return 'syncing (incremental)';
  if (mode === 'first') return 'syncing (first sync: everything)';
  return 'syncing';
}

/**
 * Live lines on a terminal: a header (instance and status, or the rate-limit wait) and one
 * line per stream, with a bar as soon as the stream's total is known. Redrawn at most every
 * `intervalMs` so a fast sync does not spend its time painting; after `stop` nothing is drawn
 * again, whatever arrives late, so no frame can follow the run's summary.
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
  let stopped = false;

  const draw = () => {
    timer = null;
    if (stopped) return;
    lastDraw = clock();
    const remaining = throttle ? throttle.until - wallClock() : 0;
    if (throttle && remaining <= 0) throttle = null;
    const shown = throttle
      ? options.colors.yellow(describeThrottleWait(terminalText(throttle.service), remaining))
      : options.colors.dim(status);
    const head = `${options.colors.bold(terminalText(options.instance))} ${shown}`;
    options.live.update([
      head,
      ...[...streams].map(
        ([name, view]) => `  ${describeStream(options.colors.cyan(terminalText(name)), view)}`,
      ),
    ]);
  };
  const schedule = () => {
    if (stopped) return;
    const wait = lastDraw + interval - clock();
    if (wait <= 0) draw();
    else if (timer === null) {
      timer = setTimeout(draw, wait);
      timer.unref();
    }
  };

  return {
    handle(event) {
      if (stopped) return;
      if (event.type === 'start') {
        status = describeStart(event);
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
            if ((throttle === null || stopped) && ticker !== null) {
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
      stopped = true;
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
        ratePerSecond: view.ratePerSecond === null ? undefined : Math.round(view.ratePerSecond * 10) / 10,
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
          mode: event.mode,
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
