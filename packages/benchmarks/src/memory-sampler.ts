/**
 * Samples where a sync process's memory is, about once a second, so peak RSS can be attributed
 * to a component instead of guessed: the V8 heap (committed vs used), Buffers and ArrayBuffers
 * outside it, the kernel's anonymous vs file-backed resident pages, and the SQLite files.
 */
import { readFileSync, statSync } from 'node:fs';
import v8 from 'node:v8';
import type { MemoryProfile, MemorySample } from './result-types.ts';

/** What the sampler asks of the database: better-sqlite3's `pragma(..., { simple: true })`. */
export interface PragmaSource {
  pragma(source: string, options: { simple: true }): unknown;
}

/** RssAnon / RssFile / RssShmem of this process in bytes (Linux); zeros elsewhere. */
export function residentBreakdown(statusText: string | null): { anon: number; file: number; shmem: number } {
  const read = (key: string) => {
    const match = statusText ? new RegExp(`^${key}:\\s+(\\d+)\\s+kB`, 'm').exec(statusText) : null;
    return match ? Number(match[1]) * 1024 : 0;
  };
  return { anon: read('RssAnon'), file: read('RssFile'), shmem: read('RssShmem') };
}

function procStatus(): string | null {
  try {
    return readFileSync('/proc/self/status', 'utf8');
  } catch {
    return null;
  }
}

function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/**
 * Resident memory by mapping kind from /proc/self/smaps (Linux): the brk heap (glibc's main
 * malloc arena), anonymous mappings (V8 heap pages, other malloc arenas, mmap-ed large
 * allocations, stacks) and file mappings; plus the largest anonymous mappings, so a 64 MiB
 * malloc arena or V8's young generation reservation can be told apart by size.
 */
export function summariseSmaps(smapsText: string | null): MemoryProfile['mappings'] {
  if (!smapsText) return null;
  let brkHeap = 0;
  let anonymous = 0;
  let file = 0;
  let anonymousCount = 0;
  const large: Array<{ size: number; rss: number }> = [];
  let current: { name: string; size: number } | null = null;
  for (const line of smapsText.split('\n')) {
    const header = /^([0-9a-f]+)-([0-9a-f]+)\s+\S+\s+\S+\s+\S+\s+\d+\s*(.*)$/.exec(line);
    if (header) {
      const size = Number.parseInt(header[2] as string, 16) - Number.parseInt(header[1] as string, 16);
      current = { name: (header[3] ?? '').trim(), size };
      continue;
    }
    const rssLine = /^Rss:\s+(\d+) kB/.exec(line);
    if (!rssLine || !current) continue;
    const rss = Number(rssLine[1]) * 1024;
    if (current.name === '[heap]') brkHeap += rss;
    else if (current.name === '' || current.name.startsWith('[anon')) {
      anonymous += rss;
      anonymousCount++;
      if (rss >= 4 * 2 ** 20) large.push({ size: current.size, rss });
    } else file += rss;
  }
  large.sort((a, b) => b.rss - a.rss);
  return { brkHeap, anonymous, anonymousCount, file, largestAnonymous: large.slice(0, 12) };
}

function procSmaps(): string | null {
  try {
    return readFileSync('/proc/self/smaps', 'utf8');
  } catch {
    return null;
  }
}

/** Keeps at most `limit` samples by dropping every other one when full (the peak is kept apart). */
export function decimate<T>(samples: T[], limit: number): T[] {
  if (samples.length <= limit) return samples;
  return samples.filter((_, index) => index % 2 === 0);
}

export const numericSampleFields = [
  'rss',
  'rssAnon',
  'rssFile',
  'heapUsed',
  'heapTotal',
  'heapPhysical',
  'external',
  'arrayBuffers',
  'mallocedMemory',
  'outsideHeap',
  'databaseBytes',
  'walBytes',
] as const satisfies readonly (keyof MemorySample)[];

export class MemorySampler {
  readonly #started = performance.now();
  readonly #databasePath: string;
  readonly #database: PragmaSource | null;
  readonly #limit: number;
  #samples: MemorySample[] = [];
  #peak: MemorySample | null = null;
  readonly #maxima: Partial<Record<(typeof numericSampleFields)[number], number>> = {};
  #timer: NodeJS.Timeout | null = null;

  constructor(options: { databasePath: string; database: PragmaSource | null; limit?: number }) {
    this.#databasePath = options.databasePath;
    this.#database = options.database;
    this.#limit = options.limit ?? 600;
  }

  sample(): MemorySample {
    const usage = process.memoryUsage();
    const heap = v8.getHeapStatistics();
    const resident = residentBreakdown(procStatus());
    let pageSize = 0;
    let pageCount = 0;
    try {
      if (this.#database) {
        pageSize = Number(this.#database.pragma('page_size', { simple: true }));
        pageCount = Number(this.#database.pragma('page_count', { simple: true }));
      }
    } catch {
      // The store may be closed already; the files below still tell the size.
    }
    const sample: MemorySample = {
      atMs: Math.round(performance.now() - this.#started),
      rss: usage.rss,
      rssAnon: resident.anon,
      rssFile: resident.file,
      heapUsed: usage.heapUsed,
      heapTotal: usage.heapTotal,
      heapPhysical: heap.total_physical_size,
      external: usage.external,
      arrayBuffers: usage.arrayBuffers,
      mallocedMemory: heap.malloced_memory,
      // Resident memory that is neither V8's heap pages nor Buffer/ArrayBuffer contents: code,
      // native modules' allocations (SQLite page cache, zlib), and what malloc keeps after frees.
      outsideHeap: Math.max(0, usage.rss - heap.total_physical_size - usage.external),
      databaseBytes: pageSize * pageCount || fileBytes(this.#databasePath),
      walBytes: fileBytes(`${this.#databasePath}-wal`),
    };
    this.#samples.push(sample);
    this.#samples = decimate(this.#samples, this.#limit);
    if (!this.#peak || sample.rss > this.#peak.rss) this.#peak = sample;
    for (const field of numericSampleFields) {
      this.#maxima[field] = Math.max(this.#maxima[field] ?? 0, sample[field]);
    }
    return sample;
  }

  start(intervalMs = 1000): void {
    this.sample();
    this.#timer = setInterval(() => this.sample(), intervalMs);
    this.#timer.unref();
  }

  /** Stops sampling and summarises; `afterGc` is the live heap once the run is over, if known. */
  stop(extra: { afterGc: MemoryProfile['afterGc']; sqlite: MemoryProfile['sqlite'] }): MemoryProfile {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    const last = this.sample();
    const heap = v8.getHeapStatistics();
    return {
      intervalMs: 1000,
      samples: this.#samples,
      peaks: this.#maxima as MemoryProfile['peaks'],
      atPeakRss: this.#peak ?? last,
      heapSizeLimit: heap.heap_size_limit,
      peakMallocedMemory: heap.peak_malloced_memory,
      heapSpaces: v8.getHeapSpaceStatistics().map((space) => ({
        name: space.space_name,
        size: space.space_size,
        used: space.space_used_size,
        physical: space.physical_space_size,
      })),
      afterGc: extra.afterGc,
      sqlite: extra.sqlite,
      mappings: summariseSmaps(procSmaps()),
    };
  }
}
