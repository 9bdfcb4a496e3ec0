import { setTimeout as delay } from 'node:timers/promises';
import { CancelledError } from '../errors/index.ts';

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** An abortable sleep that rejects with CancelledError, so callers need no AbortError special case. */
export const defaultSleep: Sleep = async (ms, signal) => {
  throwIfAborted(signal);
  if (ms <= 0) return;
  try {
    await delay(ms, undefined, signal ? { signal } : {});
  } catch (error) {
    if (signal?.aborted) throw cancelledFrom(signal);
    throw error;
  }
};

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelledFrom(signal);
}

export function cancelledFrom(signal: AbortSignal | undefined): CancelledError {
  const reason: unknown = signal?.reason;
  if (reason instanceof CancelledError) return reason;
  return new CancelledError('The operation was cancelled before it finished', {
    ...(reason === undefined ? {} : { cause: reason }),
  });
}
