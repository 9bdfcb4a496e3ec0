import { errorCodes, PostureSyncError, type PostureSyncErrorOptions } from '@posturesync/core';

/**
 * A benchmark step (a child process, the simulator) failed or timed out. Its message names the
 * step; the usual remedy is to rerun on a less busy machine or with smaller scales.
 */
export class BenchmarkError extends PostureSyncError {
  constructor(message: string, options?: PostureSyncErrorOptions) {
    super(errorCodes.transient, message, options);
    this.name = 'BenchmarkError';
  }
}
