import type { Progress } from '@posturesync/core';
import type { StreamStats, SyncEvent } from './sync-events.ts';

interface StreamState {
  firstAt: number;
  records: number;
  batches: number;
  progressStartAt: number | null;
  progressStartDone: number;
}

/** Per-stream records, batches, rate and ETA for the progress display. */
export class ProgressTracker {
  readonly #streams = new Map<string, StreamState>();
  readonly #clock: () => number;

  constructor(clock: () => number = () => performance.now()) {
    this.#clock = clock;
  }

  #stream(name: string): StreamState {
    let state = this.#streams.get(name);
    if (!state) {
      state = { firstAt: this.#clock(), records: 0, batches: 0, progressStartAt: null, progressStartDone: 0 };
      this.#streams.set(name, state);
    }
    return state;
  }

  recordBatch(name: string, records: number): StreamStats {
    const state = this.#stream(name);
    state.records += records;
    state.batches += 1;
    const seconds = (this.#clock() - state.firstAt) / 1000;
    return {
      name,
      records: state.records,
      batches: state.batches,
      recordsPerSecond: seconds > 0 ? state.records / seconds : 0,
    };
  }

  /** Rate is measured from the first progress report of the stream, so a resumed run's head start does not inflate it. */
  progress(progress: Progress): Extract<SyncEvent, { type: 'progress' }> {
    const state = this.#stream(progress.stream);
    const now = this.#clock();
    if (state.progressStartAt === null) {
      state.progressStartAt = now;
      state.progressStartDone = progress.done;
    }
    const seconds = (now - state.progressStartAt) / 1000;
    const advanced = progress.done - state.progressStartDone;
    const rate = seconds > 0 && advanced > 0 ? advanced / seconds : null;
    const remaining = progress.total === null ? null : Math.max(0, progress.total - progress.done);
    return {
      type: 'progress',
      stream: progress.stream,
      done: progress.done,
      total: progress.total,
      unit: progress.unit,
      ratePerSecond: rate,
      etaMs:
        remaining === null ? null : remaining === 0 ? 0 : rate === null ? null : (remaining / rate) * 1000,
    };
  }
}
