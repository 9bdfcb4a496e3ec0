import { recordsPerSecond } from './ratios.ts';
import type { ServerCounts, SyncMeasurement } from './result-types.ts';
import type { SimulatorSnapshot } from './simulator-process.ts';
import type { SyncJobResult } from './sync-worker.ts';

/** What the server saw of a run: the simulator itself (live) or the recording proxy (replay). */
export function serverCounts(snapshot: SimulatorSnapshot, source: 'simulator' | 'proxy'): ServerCounts {
  if (source === 'proxy') {
    const { proxy } = snapshot;
    return { ...proxy, requests: { ...proxy.requests }, cpuMs: snapshot.cpuMs };
  }
  const { simulator } = snapshot;
  return {
    requests: { ...simulator.requests },
    total: simulator.total,
    rateLimited429: simulator.rateLimited429,
    conflicts409: simulator.conflicts409,
    cpuMs: snapshot.cpuMs,
  };
}

/** A finished sync child's result as the measurement the results hold; a failed sync throws. */
export function toMeasurement(result: SyncJobResult, server: ServerCounts): SyncMeasurement {
  if (result.outcome !== 'succeeded') {
    throw new Error(
      `the sync ended ${result.outcome}: ${result.errorMessage ?? ''} ${result.warnings.slice(0, 5).join(' | ')}`,
    );
  }
  return {
    wallMs: result.wallMs,
    cpuMs: result.cpuMs,
    peakRssBytes: result.peakRssBytes,
    baselineRssBytes: result.baselineRssBytes,
    memory: result.memory,
    outcome: result.outcome,
    counts: result.counts,
    recordsPerSecond: recordsPerSecond(result.storedViolations, result.wallMs),
    requests: result.metrics.requests,
    retries: result.metrics.retries,
    rateLimitWaits: result.metrics.rateLimitWaits,
    rateLimitWaitMs: result.metrics.rateLimitWaitMs,
    bytesReceived: result.metrics.bytesReceived,
    warningCount: result.warningCount,
    storedViolations: result.storedViolations,
    warnings: result.warnings,
    server,
  };
}
