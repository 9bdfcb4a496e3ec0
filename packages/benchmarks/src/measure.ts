import { performance } from 'node:perf_hooks';

export interface Timed<T> {
  value: T;
  wallMs: number;
  cpuMs: number;
}

/** Wall and CPU (user + system) time of one async section of this process. */
export async function timed<T>(section: () => Promise<T>): Promise<Timed<T>> {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const value = await section();
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  return { value, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** Peak RSS of this whole process so far, in bytes (`maxRSS` is in KiB). */
export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}
