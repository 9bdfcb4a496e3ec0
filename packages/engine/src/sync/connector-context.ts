import type { ConnectorContext, HttpClientMetrics, Logger, SecretRedactor } from '@posturesync/core';
import type { Store } from '../store/store.ts';
import type { SyncEvent } from './sync-events.ts';

/** What the engine hands a connector for one run: its logger, metrics, signal and the store's rate windows. */
export function connectorContext(input: {
  store: Store;
  logger: Logger;
  redactor: SecretRedactor;
  metrics: HttpClientMetrics;
  signal: AbortSignal;
  now: () => Date;
  emit: (event: SyncEvent) => void;
}): ConnectorContext {
  const { metrics, emit } = input;
  const rateWindows = input.store.readonly ? undefined : input.store.rateWindows();
  return {
    logger: input.logger,
    redactor: input.redactor,
    metrics,
    signal: input.signal,
    now: input.now,
    // The window outlives the process: the next run or `check` starts from the real one.
    ...(rateWindows === undefined ? {} : { rateWindows }),
    onThrottleWait: (wait) =>
      emit({
        type: 'throttled',
        service: wait.service,
        label: wait.label,
        waitMs: wait.waitMs,
        until: wait.until.toISOString(),
        throttledWaits: metrics.throttledWaits,
        throttledWaitMs: metrics.throttledWaitMs,
      }),
  };
}
