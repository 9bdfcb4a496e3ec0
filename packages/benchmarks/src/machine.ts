import os from 'node:os';
import type { MachineInfo } from './result-types.ts';

export function describeMachine(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpuCount: cpus.length,
    totalMemoryBytes: os.totalmem(),
    nodeVersion: process.versions.node,
    platform: os.platform(),
    arch: os.arch(),
    osRelease: os.release(),
    loadAverage: os.loadavg(),
  };
}
