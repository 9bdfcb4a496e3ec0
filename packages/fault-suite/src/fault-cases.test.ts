import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { seededRandom } from './cli-process.ts';
import { pcReportFaultCases, pcrsFaultCases } from './fault-cases.ts';
import { hostileCases } from './hostile-cases.ts';
import { faultCaseCount, faultCases } from './index.ts';
import { killPointSeed, pcReportProcessCases, pcrsProcessCases } from './process-cases.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('issue 6: the fault case table', () => {
  it('issue 6: the README states how many fault cases the suite runs', () => {
    const stated = readme.match(/runs \*\*(\d+) fault cases\*\*/);
    expect(stated?.[1]).toBe(String(faultCaseCount));
    expect(faultCaseCount).toBe(
      pcrsFaultCases.length +
        pcReportFaultCases.length +
        pcrsProcessCases.length +
        pcReportProcessCases.length +
        hostileCases.length,
    );
  });

  it('issue 6: every case is named once per connector and listed in the README', () => {
    const names = faultCases.map((faultCase) => `${faultCase.connector}: ${faultCase.name}`);
    expect(new Set(names).size).toBe(names.length);
    for (const faultCase of [...pcrsFaultCases, ...pcReportFaultCases, ...hostileCases]) {
      expect(readme, faultCase.name).toContain(faultCase.name);
    }
  });

  it('issue 6: both connectors face the faults issue 6 names', () => {
    for (const cases of [pcrsFaultCases, pcReportFaultCases]) {
      const kinds = new Set(cases.flatMap((faultCase) => faultCase.faults.map((fault) => fault.kind)));
      for (const kind of ['status503', 'resetMidBody', 'truncatedGzip', 'expireToken', 'malformedRecord']) {
        expect(kinds).toContain(kind);
      }
    }
    const reportKinds = new Set(
      pcReportFaultCases.flatMap((faultCase) => faultCase.faults.map((fault) => fault.kind)),
    );
    expect(reportKinds).toContain('status409Concurrency');
    expect(reportKinds).toContain('status409RateLimit');
    for (const cases of [pcrsProcessCases, pcReportProcessCases]) {
      expect(cases.filter((faultCase) => faultCase.signal === 'SIGKILL')).toHaveLength(4);
      expect(cases.map((faultCase) => faultCase.signal)).toEqual(
        expect.arrayContaining(['SIGINT', 'SIGTERM']),
      );
    }
  });

  it('issue 6: kill points are seeded, so they are the same on every run', () => {
    const random = seededRandom(killPointSeed);
    const expected = Array.from({ length: 8 }, () => Math.round((0.02 + random() * 1.08) * 1000) / 1000);
    const kills = [...pcrsProcessCases, ...pcReportProcessCases].filter(
      (faultCase) => faultCase.signal === 'SIGKILL',
    );
    expect(kills.map((faultCase) => faultCase.at)).toEqual(expected);
    expect(new Set(expected).size).toBe(8);
  });
});
