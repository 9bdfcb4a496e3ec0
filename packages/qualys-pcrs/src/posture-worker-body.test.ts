import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { type HttpResponse, SecretRedactor } from '@posturesync/core';
import { validateBatch } from '@posturesync/engine';
import { afterAll, describe, expect, it } from 'vitest';
import { emptyMappedRecords, type MappedRecords, PostureRecordMapper } from './map-posture-record.ts';
import { consumePostureBody, type PostureJob } from './posture-call.ts';
import { PostureWorkerPool } from './posture-worker-pool.ts';

// Hand-written posture records in the shape of the wire spec's captured record (A.5): two hosts,
// two controls, a second technology, one ID beyond 2^53 and one record the mapper rejects.
const base = {
  instance: 'os',
  policyId: 2645301,
  policyTitle: 'CIS Benchmark for Microsoft Windows 11 Enterprise',
  controlStatement: "Status of the 'Prevent installation of devices' setting",
  rationale: 'Why it matters',
  remediation: 'Set it to Enabled',
  technologyId: 331,
  status: 'Failed',
  previousStatus: 'Passed',
  firstFailDate: '2023-05-17T08:41:36Z',
  lastFailDate: '2023-09-15T09:16:33Z',
  firstPassDate: '',
  lastPassDate: '',
  postureModifiedDate: '2023-05-17T08:41:36Z',
  lastEvaluatedDate: '2023-09-15T09:16:33Z',
  created: '2023-09-15T11:17:02Z',
  ip: '192.168.0.14, 8.8.4.4',
  trackingMethod: 'AGENT',
  os: 'Windows 11 Pro 64 bit Edition Version 22H2',
  dns: 'ikgi-13p',
  networkId: 0,
  complianceLastScanDate: '2023-09-15T09:08:00Z',
  technology: { id: 331, name: 'Windows 11' },
  criticality: { label: 'SERIOUS', value: 3 },
};
const records = [
  { ...base, id: 23006235045, hostId: 609153601, controlId: 10091 },
  { ...base, id: 23006235046, hostId: 609153601, controlId: 10092, status: 'Passed' },
  { ...base, id: 23006235047, hostId: 609153602, controlId: 10091, dns: 'other-host' },
  { ...base, id: 23006235048, hostId: 609153602, controlId: 10092, technologyId: 332 },
  { ...base, id: 23006235049, hostId: 609153602, controlId: 10093, firstFailDate: 'not a date' },
  { ...base, id: 23006235050, hostId: 609153603, controlId: 10091, lastPassDate: '2023-09-01T00:00:00Z' },
];
// An ID beyond 2^53, as Qualys writes it: a bare number that must stay exact.
const bodyText = JSON.stringify(records).replace('23006235050', '9007199254740993123');

const job: PostureJob = {
  policyId: '2645301',
  subscriptionId: null,
  hostIds: ['609153601', '609153602', '609153603'],
  firstHostIndex: 0,
  totalHosts: 3,
  key: 'k',
  label: 'postureInfo policy 2645301 hosts 1..3 of 3',
};

function responseOf(chunks: Array<Buffer | Error>): HttpResponse {
  const body = Readable.from(
    (async function* () {
      for (const chunk of chunks) {
        if (chunk instanceof Error) throw chunk;
        yield chunk;
      }
    })(),
    { objectMode: false },
  );
  return { body } as unknown as HttpResponse;
}

/** Cuts `bytes` into pieces of `size`, so elements, UTF-8 and gzip blocks straddle chunks. */
function pieces(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += size) out.push(bytes.subarray(offset, offset + size));
  return out;
}

interface Outcome {
  batches: MappedRecords[];
  rest?: MappedRecords;
  error?: { name: string; message: string; code: unknown };
}

const pool = new PostureWorkerPool();
afterAll(() => pool.close());

/** Reads one body the way `read()` does: one mapper across bodies, `admit` when a batch is queued. */
async function read(chunks: Array<Buffer | Error>, workers: PostureWorkerPool | null): Promise<Outcome> {
  const mapper = new PostureRecordMapper({ sourceName: 'QUALYS_PCRS' });
  const admit = (mapped: MappedRecords) => (workers ? mapper.admit(mapped) : mapped);
  const batches: MappedRecords[] = [];
  try {
    const rest = await consumePostureBody(responseOf(chunks), job, {
      client: undefined as never,
      version: '2.0',
      evidence: false,
      mapper,
      subBatchSize: 2,
      emit: async (mapped) => {
        batches.push(admit(mapped));
      },
      workers,
    });
    return { batches, rest: admit(rest) };
  } catch (error) {
    const { name, message, code } = error as Error & { code?: unknown };
    return { batches, error: { name, message, code } };
  }
}

async function expectSameInBothPaths(chunks: Array<Buffer | Error>): Promise<Outcome> {
  const inThread = await read(chunks, null);
  const inWorker = await read(chunks, pool);
  expect(inWorker).toEqual(inThread);
  return inThread;
}

describe('postureInfo bodies in a worker thread (issue 18)', () => {
  it('gives the very batches of the in-thread path for a gzip body cut at odd places', async () => {
    const outcome = await expectSameInBothPaths(pieces(gzipSync(bodyText), 37));
    expect(outcome.error).toBeUndefined();
    const all = [...outcome.batches, outcome.rest ?? emptyMappedRecords()];
    expect(all.flatMap((batch) => batch.violations.map((violation) => violation.uid))).toEqual([
      '23006235045',
      '23006235046',
      '23006235047',
      '23006235048',
      '9007199254740993123',
    ]);
    expect(all.flatMap((batch) => batch.hosts.map((host) => host.uid))).toEqual([
      '609153601',
      '609153602',
      '609153603',
    ]);
    expect(all.flatMap((batch) => batch.rejects.map((reject) => reject.position))).toEqual([
      'postureInfo policy 2645301 hosts 1..3 of 3 record 5',
    ]);
  });

  it('gives the same batches for a plain body', async () => {
    const outcome = await expectSameInBothPaths(pieces(Buffer.from(bodyText), 50));
    expect(outcome.batches.length).toBeGreaterThan(1);
  });

  it('fails with the same error and message on malformed JSON, after the same batches', async () => {
    const broken = bodyText.replace('"id":23006235047', '"id":230062350,,47');
    const outcome = await expectSameInBothPaths(pieces(Buffer.from(broken), 64));
    expect(outcome.error?.message).toMatch(/not a valid JSON array of posture records/);
  });

  it('fails with the same error on a Qualys error envelope in a 200 body', async () => {
    const outcome = await expectSameInBothPaths([
      Buffer.from('[{"response":{"code":999,"text":"Internal error. Please retry the request."}}]'),
    ]);
    expect(outcome.error?.message).toMatch(
      /answered postureInfo policy 2645301 .* with an error instead of data/,
    );
  });

  it('fails with the same error on a truncated body, a corrupt gzip and a body that breaks off', async () => {
    const truncated = await expectSameInBothPaths([Buffer.from(bodyText.slice(0, -40))]);
    expect(truncated.error?.message).toMatch(/broke off/);
    const gzip = gzipSync(bodyText);
    gzip[40] = (gzip[40] ?? 0) ^ 0xff;
    const corrupt = await expectSameInBothPaths([gzip]);
    expect(corrupt.error?.message).toMatch(/gzip body is corrupt|broke off|not a valid JSON/);
    const reset = await expectSameInBothPaths([
      ...pieces(gzipSync(bodyText), 200).slice(0, 1),
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
    ]);
    expect(reset.error?.message).toMatch(/broke off after \d+ bytes and \d+ records \(socket hang up\)/);
  });

  it('a record nested 5,000 levels deep (past what Node can send between threads) is quarantined exactly as in-thread', async () => {
    const deep = `${'{"inner":'.repeat(5000)}"bottom"${'}'.repeat(5000)}`;
    const withDeep = `[${JSON.stringify(records[0])},${JSON.stringify(records[1]).replace(/}$/, `,"extra":${deep}}`)}]`;
    const quarantineOf = async (workers: PostureWorkerPool | null) => {
      const outcome = await read([Buffer.from(withDeep)], workers);
      expect(outcome.error).toBeUndefined();
      const violations = [...outcome.batches, outcome.rest ?? emptyMappedRecords()].flatMap(
        (batch) => batch.violations,
      );
      return validateBatch({ stream: 'postureInfo', position: job.label, violations }, new SecretRedactor());
    };
    const inThread = await quarantineOf(null);
    const inWorker = await quarantineOf(pool);
    expect(inThread.quarantine).toHaveLength(1);
    expect(inThread.quarantine[0]?.reason).toContain('nested deeper than 64 levels');
    expect(inWorker.quarantine).toEqual(inThread.quarantine);
    expect(inWorker.records).toEqual(inThread.records);
  });

  it('stops the worker at once when the sync is cancelled mid-body', async () => {
    const own = new PostureWorkerPool();
    const abort = new AbortController();
    // A body that never ends: only cancellation can finish the read.
    const body = new Readable({ read() {} });
    body.push(Buffer.from(bodyText.slice(0, 200)));
    const mapper = new PostureRecordMapper({ sourceName: 'QUALYS_PCRS' });
    const reading = consumePostureBody({ body } as unknown as HttpResponse, job, {
      client: undefined as never,
      version: '2.0',
      evidence: false,
      mapper,
      subBatchSize: 2,
      signal: abort.signal,
      emit: async () => {},
      workers: own,
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    abort.abort(new Error('cancelled by the test'));
    await expect(reading).rejects.toThrow(/cancelled by the test/);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(body.destroyed).toBe(true);
    await own.close();
  });
});
