import { describe, expect, it } from 'vitest';
import { ReportMapper, shortfallWarning } from './map-report.ts';
import {
  emptyFields,
  type FieldValues,
  type HostField,
  hostFields,
  policyFields,
  type ResultField,
  resultFields,
} from './report-records.ts';

const at = { line: 1, column: 1 };

function result(overrides: Partial<FieldValues<ResultField>>): FieldValues<ResultField> {
  const fields = Object.fromEntries(resultFields.map((name) => [name, null])) as FieldValues<ResultField>;
  return { ...fields, policyId: '123', controlId: '1001', status: 'Failed', ...overrides };
}

describe('ReportMapper', () => {
  it('issue 7: a host stored in an earlier batch is stored again, rebuilt the same, when tags arrive', () => {
    const mapper = new ReportMapper({ sourceName: 'QUALYS_PC', network: 'corp', reportId: '77' });
    mapper.accept({
      kind: 'host',
      position: at,
      fields: {
        ip: '10.0.0.1',
        trackingMethod: 'IP',
        dns: 'h1.example.com',
        netbios: 'H1',
        os: 'Linux',
        lastScanDate: '2024-05-01T06:00:12Z',
        percentage: '50',
        sourceHostId: '300',
        hostId: null,
        network: 'Global',
      },
      tags: ['A'],
    });
    mapper.accept({ kind: 'result', position: at, fields: result({ ip: '10.0.0.1' }), tags: [] });
    const first = mapper.drain();
    expect(first.hosts).toHaveLength(1);
    const stored = structuredClone(first.hosts[0]);
    expect(stored).toMatchObject({ uid: '300', tags: ['A'], lastScanned: '2024-05-01T06:00:12.000Z' });

    // Known tags change nothing; a new one re-emits the host with every tag, nothing else different.
    mapper.accept({
      kind: 'result',
      position: at,
      fields: result({ ip: '10.0.0.1', controlId: '1002' }),
      tags: ['A'],
    });
    expect(mapper.drain().hosts).toEqual([]);
    mapper.accept({ kind: 'hostTags', position: at, ip: '10.0.0.1', tags: ['B'] });
    mapper.accept({
      kind: 'result',
      position: at,
      fields: result({ hostId: '300', controlId: '1003' }),
      tags: ['C'],
    });
    const second = mapper.drain();
    expect(second.hosts).toEqual([
      { ...stored, tags: ['A', 'B', 'C'] },
      { ...stored, tags: ['A', 'B', 'C'] },
    ]);
    expect(second.violations.map((violation) => violation.hostUid)).toEqual(['300']);
    // The first batch's record is the engine's now: later merges do not reach into it.
    expect(first.hosts[0]?.tags).toEqual(['A']);
    expect(mapper.finish().hosts).toEqual([]);
  });

  it('issue 7: hosts without results are still emitted by finish, with their tags', () => {
    const mapper = new ReportMapper({ sourceName: 'QUALYS_PC', network: 'corp', reportId: '77' });
    mapper.accept({
      kind: 'host',
      position: at,
      fields: {
        ip: '10.0.0.2',
        trackingMethod: null,
        dns: null,
        netbios: null,
        os: null,
        lastScanDate: null,
        percentage: null,
        sourceHostId: null,
        hostId: null,
        network: null,
      },
      tags: [],
    });
    mapper.accept({ kind: 'hostTags', position: at, ip: '10.0.0.2', tags: ['T'] });
    expect(mapper.finish().hosts).toMatchObject([
      { uid: 'corp:10.0.0.2', ipAddresses: ['10.0.0.2'], tags: ['T'] },
    ]);
  });

  it('issue 11: dates on both sides of a DST change are each converted with their own offset', () => {
    const mapper = new ReportMapper({ sourceName: 'QUALYS_PC', network: 'corp', reportId: '77' });
    // Sydney moved from +1000 to +1100 at 02:00 on 2 Oct 2022: these are 3 hours apart, not 4.
    const dates = [
      '10/01/2022 at 23:30:00 (GMT+1000)',
      '10/02/2022 at 03:30:00 (GMT+1100)',
      '10/02/2022 at 03:30:00 (GMT-0500)',
      null,
    ];
    dates.forEach((evaluationDate, index) => {
      mapper.accept({
        kind: 'result',
        position: at,
        fields: result({ ip: '10.0.0.1', controlId: String(1000 + index), evaluationDate }),
        tags: [],
      });
    });
    expect(mapper.drain().violations.map((violation) => violation.lastEvaluated)).toEqual([
      '2022-10-01T13:30:00.000Z',
      '2022-10-01T16:30:00.000Z',
      '2022-10-02T08:30:00.000Z',
      null,
    ]);
  });

  it('issue 11: joins results on Qualys Host ID, else on Host IP within the NETWORK, else on the IP alone', () => {
    const mapper = new ReportMapper({ sourceName: 'QUALYS_PC', network: 'corp', reportId: '77' });
    const host = (overrides: Partial<FieldValues<HostField>>) => ({
      kind: 'host' as const,
      position: at,
      fields: { ...emptyFields(hostFields), ...overrides },
      tags: [],
    });
    mapper.accept(host({ ip: '10.0.0.9', hostId: '1', sourceHostId: 'uuid-1', network: 'Lab' }));
    mapper.accept(host({ ip: '10.0.0.9', hostId: '2', sourceHostId: 'uuid-2', network: 'Office' }));
    mapper.accept({
      kind: 'result',
      position: at,
      fields: result({ sourceHostId: 'uuid-2', ip: '10.0.0.9' }),
      tags: [],
    });
    mapper.accept({
      kind: 'result',
      position: at,
      fields: result({ ip: '10.0.0.9', network: 'Office', controlId: '2' }),
      tags: [],
    });
    mapper.accept({
      kind: 'result',
      position: at,
      fields: result({ ip: '10.0.0.9', controlId: '3' }),
      tags: [],
    });
    expect(mapper.drain().violations.map((violation) => violation.hostUid)).toEqual(['2', '2', '1']);
  });

  it('issue 11: finds a shortfall of result rows against the SUMMARY counts, old "n(p%)" counts too', () => {
    const mapper = new ReportMapper({ sourceName: 'QUALYS_PC', network: 'corp', reportId: '77' });
    mapper.accept({
      kind: 'policy',
      position: at,
      fields: {
        ...emptyFields(policyFields),
        policyId: '123',
        controlInstances: '3',
        passed: '2(66.67%)',
        failed: '1(33.33%)',
        error: '0(0.00%)',
      },
    });
    mapper.accept({
      kind: 'result',
      position: at,
      fields: result({ ip: '10.0.0.1', status: 'Passed' }),
      tags: [],
    });
    mapper.accept({
      kind: 'result',
      position: at,
      fields: result({ ip: '10.0.0.1', controlId: '2', status: 'Passed' }),
      tags: [],
    });
    const [shortfall] = mapper.shortfalls();
    expect(shortfall).toEqual({
      policyUid: '123',
      expected: { controlInstances: 3, passed: 2, failed: 1, error: 0 },
      read: { total: 2, passed: 2, failed: 0, error: 0, unknown: 0 },
    });
    expect(shortfallWarning('77', shortfall as NonNullable<typeof shortfall>)).toContain(
      'SUMMARY counts 3 result row(s) (2 passed, 1 failed, 0 error) but RESULTS holds 2 result row(s) (2 passed, 0 failed, 0 error)',
    );
    // A quarantined row was still read; the count is of rows, not of stored findings.
    mapper.accept({
      kind: 'result',
      position: at,
      fields: result({ ip: '10.0.0.1', controlId: '3', evaluationDate: 'not a date' }),
      tags: [],
    });
    expect(mapper.drain().rejects).toHaveLength(1);
    expect(mapper.shortfalls()).toEqual([]);
  });
});
