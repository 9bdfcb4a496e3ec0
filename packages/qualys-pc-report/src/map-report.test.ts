import { describe, expect, it } from 'vitest';
import { ReportMapper } from './map-report.ts';
import { type FieldValues, type ResultField, resultFields } from './report-records.ts';

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
        qualysHostId: '300',
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
        qualysHostId: null,
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
});
