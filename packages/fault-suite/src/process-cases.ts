import type { FaultRule } from '@posturesync/qualys-simulator';
import { seededRandom } from './cli-process.ts';
import type { ConnectorKind } from './connectors.ts';

/** A real `posturesync sync` process interrupted by a signal. */
export interface ProcessFaultCase {
  name: string;
  connector: ConnectorKind;
  signal: 'SIGKILL' | 'SIGINT' | 'SIGTERM';
  /**
   * SIGKILL only: when to kill, after the process logged "sync started", as a fraction of the
   * time a clean sync of the same data takes from that line to its exit. Above 1 the kill may
   * land after the run finished, which must be harmless too.
   */
  at?: number;
  /**
   * Graceful cases: simulator faults that hold the sync up while the signal arrives (set for the
   * interrupted run only), so the signal surely lands mid-sync even on a loaded machine.
   */
  faults?: FaultRule[];
  injects: string;
}

/** Seed of the kill points: change it to explore other points, keep it fixed in CI. */
export const killPointSeed = 20_240_601;
export const killPointsPerConnector = 4;

function killCases(connector: ConnectorKind, random: () => number): ProcessFaultCase[] {
  return Array.from({ length: killPointsPerConnector }, () => {
    // 0.02 .. 1.1: from right after start-up to a little after a clean run would have ended.
    const at = Math.round((0.02 + random() * 1.08) * 1000) / 1000;
    return {
      name: `SIGKILL at ${Math.round(at * 100)} % of a sync`,
      connector,
      signal: 'SIGKILL' as const,
      at,
      injects: `kill -9 of the CLI process ${Math.round(at * 100)} % into the sync (seeded)`,
    };
  });
}

function gracefulCases(connector: ConnectorKind): ProcessFaultCase[] {
  const when =
    connector === 'qualys-pcrs' ? 'after two batches are committed' : 'while the report fetch is in flight';
  const faults: FaultRule[] =
    connector === 'qualys-pcrs'
      ? [
          {
            endpoint: 'postureInfo',
            kind: 'slow',
            delayMs: 1_500,
            afterCalls: 2,
            times: Number.POSITIVE_INFINITY,
          },
        ]
      : [{ endpoint: 'reportFetch', kind: 'slow', delayMs: 2_000 }];
  return (['SIGINT', 'SIGTERM'] as const).map((signal) => ({
    name: `${signal} ${when} stops cleanly (exit 130, run cancelled)`,
    connector,
    signal,
    faults,
    injects: `${signal} to the CLI process ${when} (${connector === 'qualys-pcrs' ? 'later postureInfo answers held 1.5 s' : 'the fetch answer held 2 s'})`,
  }));
}

const random = seededRandom(killPointSeed);

export const pcrsProcessCases: readonly ProcessFaultCase[] = [
  ...killCases('qualys-pcrs', random),
  ...gracefulCases('qualys-pcrs'),
];

export const pcReportProcessCases: readonly ProcessFaultCase[] = [
  ...killCases('qualys-pc-report', random),
  ...gracefulCases('qualys-pc-report'),
];
