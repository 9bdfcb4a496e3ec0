import { describe, expect, it } from 'vitest';
// The flags the CLI applies; read from its source so the benchmark cannot drift from the product.
import { nodeFlags } from '../../cli/src/node-flags.ts';
import { productNodeFlags } from './harness.ts';
import { decimate, MemorySampler, residentBreakdown, summariseSmaps } from './memory-sampler.ts';

describe('memory sampler', () => {
  it('issue 7: reads anonymous and file-backed resident memory from /proc/self/status text', () => {
    const status = 'Name:\tnode\nRssAnon:\t  204800 kB\nRssFile:\t   63488 kB\nRssShmem:\t     128 kB\n';
    expect(residentBreakdown(status)).toEqual({ anon: 204800 * 1024, file: 63488 * 1024, shmem: 128 * 1024 });
    expect(residentBreakdown(null)).toEqual({ anon: 0, file: 0, shmem: 0 });
  });

  it('issue 7: sums smaps by mapping kind and lists the large anonymous ones', () => {
    const smaps = [
      '55d0c0000000-55d0c4000000 rw-p 00000000 00:00 0                          [heap]',
      'Size:              65536 kB',
      'Rss:               40960 kB',
      '7f0000000000-7f0001000000 rw-p 00000000 00:00 0 ',
      'Rss:               16384 kB',
      '7f0001000000-7f0001040000 rw-p 00000000 00:00 0 ',
      'Rss:                 256 kB',
      '7f0002000000-7f0002100000 r-xp 00000000 08:01 123                        /usr/bin/node',
      'Rss:                1024 kB',
    ].join('\n');
    expect(summariseSmaps(smaps)).toEqual({
      brkHeap: 40 * 2 ** 20,
      anonymous: 16 * 2 ** 20 + 256 * 1024,
      anonymousCount: 2,
      file: 2 ** 20,
      largestAnonymous: [{ size: 16 * 2 ** 20, rss: 16 * 2 ** 20 }],
    });
    expect(summariseSmaps(null)).toBeNull();
  });

  it('issue 7: thins samples by half when full', () => {
    expect(decimate([1, 2, 3], 3)).toEqual([1, 2, 3]);
    expect(decimate([1, 2, 3, 4, 5], 4)).toEqual([1, 3, 5]);
  });

  it('issue 7: a sample splits RSS into the V8 heap, external memory and the rest', () => {
    const sampler = new MemorySampler({ databasePath: '/nonexistent/bench.db', database: null });
    const sample = sampler.sample();
    expect(sample.rss).toBeGreaterThan(0);
    expect(sample.heapPhysical).toBeGreaterThan(0);
    expect(sample.outsideHeap).toBe(Math.max(0, sample.rss - sample.heapPhysical - sample.external));
    expect(sample.databaseBytes).toBe(0);
    const profile = sampler.stop({ afterGc: null, sqlite: null });
    expect(profile.samples).toHaveLength(2);
    expect(profile.peaks.rss).toBe(Math.max(...profile.samples.map((entry) => entry.rss)));
    expect(profile.atPeakRss.rss).toBe(profile.peaks.rss);
  });

  it('issue 7: the measured syncs run with the V8 flags the posturesync CLI applies', () => {
    expect(productNodeFlags).toEqual(nodeFlags);
  });
});
