/**
 * Child-process entry: the Qualys simulator (with the recording proxy in front) in its own
 * process, so generating and gzipping data does not count against the sync being measured.
 * Driven over IPC by `simulator-handle.ts`.
 */
import { mkdir } from 'node:fs/promises';
import type { EstateOptions, RateLimit, SimReportSpec, SimulatorStats } from '@posturesync/qualys-simulator';
import { createEstate, startQualysSimulator } from '@posturesync/qualys-simulator';
import {
  type ProxyCounts,
  type ProxyMode,
  type RecordedResponse,
  startRecordingProxy,
} from './recording-proxy.ts';

export interface SimulatorProcessInput {
  estate: EstateOptions;
  pcrsRateLimit: RateLimit | false;
  reports: SimReportSpec[];
  /** Where recorded bodies go. */
  directory: string;
}

export interface SimulatorReady {
  type: 'ready';
  url: string;
  subscriptionId: string;
  /** Host IDs per active policy (what hostids returns), in policy order. */
  activePolicies: Array<{ id: string; hosts: number }>;
  reportIds: string[];
}

export type SimulatorCommand =
  | { id: number; command: 'mode'; mode: ProxyMode }
  | { id: number; command: 'stats' }
  | { id: number; command: 'reset' }
  | { id: number; command: 'close' };

export interface SimulatorSnapshot {
  simulator: Omit<SimulatorStats, 'requestLog'>;
  proxy: ProxyCounts;
  /** CPU time of this process since the last reset. */
  cpuMs: number;
  recordings: RecordedResponse[];
}

async function main(input: SimulatorProcessInput): Promise<void> {
  await mkdir(input.directory, { recursive: true });
  const estate = createEstate(input.estate);
  const simulator = await startQualysSimulator({
    estate,
    pcrsRateLimit: input.pcrsRateLimit,
    classicRateLimit: false,
    reports: input.reports,
  });
  const proxy = await startRecordingProxy({ upstream: simulator.url, directory: input.directory });
  let cpuStart = process.cpuUsage();
  const ready: SimulatorReady = {
    type: 'ready',
    url: proxy.url,
    subscriptionId: estate.subscriptionId,
    activePolicies: estate
      .policies()
      .filter((policy) => policy.status === 'active')
      .map((policy) => ({ id: policy.id, hosts: estate.hostIdsForPolicy(policy.id).length })),
    reportIds: simulator.state.reports.map((report) => report.id),
  };
  process.send?.(ready);
  process.on('message', (message: SimulatorCommand) => {
    const reply = (payload: unknown) => process.send?.({ type: 'reply', id: message.id, payload });
    switch (message.command) {
      case 'mode':
        proxy.setMode(message.mode);
        reply(null);
        return;
      case 'stats': {
        const { requestLog: _log, ...stats } = simulator.state.stats;
        const cpu = process.cpuUsage(cpuStart);
        reply({
          simulator: structuredClone(stats),
          proxy: proxy.counts(),
          cpuMs: (cpu.user + cpu.system) / 1000,
          recordings: proxy.recordings(),
        } satisfies SimulatorSnapshot);
        return;
      }
      case 'reset':
        simulator.state.resetStats();
        simulator.state.resetRateLimits();
        proxy.resetCounts();
        cpuStart = process.cpuUsage();
        reply(null);
        return;
      case 'close':
        void Promise.all([proxy.close(), simulator.close()]).then(() => {
          reply(null);
          process.disconnect();
        });
        return;
    }
  });
}

process.once('message', (message: { type: 'input'; input: SimulatorProcessInput }) => {
  main(message.input).catch((error: unknown) => {
    process.send?.({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    process.exitCode = 1;
    process.disconnect();
  });
});
