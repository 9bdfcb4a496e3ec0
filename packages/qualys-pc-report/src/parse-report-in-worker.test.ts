import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { fixtureBytes, fixtureStream } from '../test/fixtures.ts';
import { csvOrXml } from './parse-report.ts';
import { parseReportInWorker } from './parse-report-in-worker.ts';
import type { ReportItem, ReportParseOptions } from './report-records.ts';

interface Outcome {
  items: ReportItem[];
  logs: string[];
  error?: { name: string; code: unknown; message: string; details: unknown };
}

type Parse = typeof csvOrXml;

async function run(parse: Parse, format: 'xml' | 'csv', input: () => Readable): Promise<Outcome> {
  const items: ReportItem[] = [];
  const logs: string[] = [];
  const options: ReportParseOptions = {
    reportId: '42',
    logger: {
      debug: (message) => logs.push(`debug ${message}`),
      info: (message) => logs.push(`info ${message}`),
    },
  };
  try {
    for await (const item of parse(format, input(), options)) items.push(item);
    return { items, logs };
  } catch (error) {
    const { name, code, message, details } = error as Error & { code?: unknown; details?: unknown };
    return { items, logs, error: { name, code, message, details } };
  }
}

/** Both paths on the same input: the same items, logs and error (type, code, message, details). */
async function expectSame(format: 'xml' | 'csv', input: () => Readable): Promise<Outcome> {
  const inThread = await run(csvOrXml, format, input);
  const inWorker = await run(parseReportInWorker, format, input);
  expect(inWorker).toEqual(inThread);
  return inThread;
}

function brokenAfter(bytes: Buffer, cut: number, error: Error): () => Readable {
  return () =>
    Readable.from(
      (async function* () {
        yield bytes.subarray(0, cut);
        throw error;
      })(),
    );
}

describe('Policy Report parsing in a worker thread (issue 18)', () => {
  it('gives the very items of the in-thread parser for the hand-written XML fixture', async () => {
    const outcome = await expectSame('xml', () => fixtureStream('policy-report.xml'));
    expect(outcome.items.filter((item) => item.kind === 'result')).toHaveLength(3);
  });

  it('gives the very items and logs for the hand-written CSV fixtures', async () => {
    const real = await expectSame('csv', () => fixtureStream('real-layout-results.csv'));
    expect(real.items.filter((item) => item.kind === 'result').length).toBeGreaterThan(0);
    await expectSame('csv', () => fixtureStream('no-evidence-no-exceptions.csv'));
    await expectSame('csv', () => fixtureStream('header-only.csv'));
    await expectSame('csv', () => fixtureStream('empty-report.csv'));
  });

  it('fails with the same error, code, message and details on malformed XML and CSV', async () => {
    const xml = fixtureBytes('policy-report.xml').toString('utf8');
    const badXml = await expectSame('xml', () =>
      fixtureStream(Buffer.from(xml.replace('</HOST>', '</HOTS>'))),
    );
    expect(badXml.error?.code).toBe('PS_ERR_BAD_RESPONSE');
    const truncated = await expectSame('xml', () => fixtureStream(Buffer.from(xml.slice(0, xml.length / 2))));
    expect(truncated.error?.message).toMatch(/not well-formed XML/);
    const csv = fixtureBytes('real-layout-results.csv').toString('utf8');
    const lines = csv.split('\n');
    const last = lines.findLastIndex((line) => line.includes('","'));
    lines[last] = `${lines[last]},"extra"`;
    const badCsv = await expectSame('csv', () => fixtureStream(Buffer.from(lines.join('\n'))));
    expect(badCsv.error?.code).toBe('PS_ERR_BAD_RESPONSE');
  });

  it('throws the very error of the file stream when reading it breaks off', async () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    // How much of the bytes before the break is parsed first depends on timing in either path
    // (csv-parse drops its buffered rows when its input fails); none of it is checkpointed, as
    // the report is retried as a whole. The error is what must match.
    for (const [format, fixture, cut] of [
      ['xml', 'policy-report.xml', 700],
      ['csv', 'real-layout-results.csv', 900],
    ] as const) {
      const input = brokenAfter(fixtureBytes(fixture), cut, reset);
      const inThread = await run(csvOrXml, format, input);
      const inWorker = await run(parseReportInWorker, format, input);
      expect(inWorker.error).toEqual(inThread.error);
      expect(inWorker.error).toMatchObject({ message: 'socket hang up', code: 'ECONNRESET' });
    }
  });

  it('stops the worker at once when the sync is cancelled mid-report', async () => {
    const abort = new AbortController();
    // A file that never ends: only cancellation can finish the read.
    const input = new Readable({ read() {} });
    input.push(fixtureBytes('policy-report.xml').subarray(0, 500));
    const reading = (async () => {
      for await (const _item of parseReportInWorker('xml', input, { signal: abort.signal })) {
        // items before the cancel are irrelevant here
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    abort.abort();
    await expect(reading).rejects.toMatchObject({
      code: 'PS_ERR_CANCELLED',
      message: 'Reading the policy report was cancelled',
    });
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
