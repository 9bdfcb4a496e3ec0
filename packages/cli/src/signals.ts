import { exitCodes } from './exit-codes.ts';

export interface SignalSource {
  on(signal: 'SIGINT' | 'SIGTERM', handler: () => void): unknown;
  off(signal: 'SIGINT' | 'SIGTERM', handler: () => void): unknown;
}

/**
 * First Ctrl-C / SIGTERM: abort the signal so the engine stops after the current batch
 * and records the run as cancelled. Second: quit at once with 130 (the database stays
 * valid; the next sync resumes from the last committed checkpoint).
 */
export function installSignalHandlers(options: {
  controller: AbortController;
  notify: (message: string) => void;
  exit: (code: number) => void;
  source?: SignalSource;
}): () => void {
  const source: SignalSource = options.source ?? process;
  const handler = () => {
    if (!options.controller.signal.aborted) {
      options.notify('Stopping after the current batch… press Ctrl-C again to quit now.');
      options.controller.abort();
      return;
    }
    options.notify('Quitting now; the next sync resumes from the last committed batch.');
    options.exit(exitCodes.cancelled);
  };
  source.on('SIGINT', handler);
  source.on('SIGTERM', handler);
  return () => {
    source.off('SIGINT', handler);
    source.off('SIGTERM', handler);
  };
}
