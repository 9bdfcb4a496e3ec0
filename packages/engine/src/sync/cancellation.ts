import { CancelledError } from '@posturesync/core';

/** Whether a run's failure is the user's Ctrl-C (the signal), not a fault. */
export function isCancellation(error: unknown, signal: AbortSignal): boolean {
  if (error instanceof CancelledError) return true;
  if (!signal.aborted) return false;
  return error === signal.reason || (error instanceof Error && error.name === 'AbortError');
}
