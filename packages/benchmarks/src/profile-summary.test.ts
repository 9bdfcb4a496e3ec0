import { describe, expect, it } from 'vitest';
import { areaOf, summariseProfile } from './profile-summary.ts';

describe('CPU profile summary', () => {
  it('attributes frames to workspace folders, dependencies and node internals', () => {
    expect(areaOf('file:///w/packages/core/src/store/store.ts', 'upsert')).toBe('core/store');
    expect(areaOf('file:///w/packages/qualys-pcrs/src/map-posture-record.ts', 'map')).toBe('qualys-pcrs');
    expect(areaOf('file:///w/node_modules/.pnpm/zod@4.6.7/node_modules/zod/v4/core.js', 'parse')).toBe('zod');
    expect(areaOf('node:zlib', 'gunzip')).toBe('node internals / native');
    expect(areaOf('', '(garbage collector)')).toBe('GC');
  });

  it('ranks self time and ignores idle samples', () => {
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0 });
    const summary = summariseProfile(
      {
        startTime: 0,
        endTime: 1,
        nodes: [
          { id: 1, hitCount: 50, callFrame: frame('(idle)', '') },
          { id: 2, hitCount: 30, callFrame: frame('run', 'file:///w/packages/core/src/store/store.ts') },
          { id: 3, hitCount: 10, callFrame: frame('parse', 'file:///w/node_modules/zod/index.js') },
        ],
      },
      'x.cpuprofile',
    );
    expect(summary.areas).toEqual([
      { name: 'core/store', share: 0.75 },
      { name: 'zod', share: 0.25 },
    ]);
    expect(summary.functions[0]).toEqual({ name: 'run store.ts:1', share: 0.75 });
  });
});
