import { Readable } from 'node:stream';
import { BadResponseError } from '@posturesync/core';
import { parseSimpleReturn } from '@posturesync/qualys-common';
import { type ClassicApi, errorFromSimpleReturn } from './classic-api.ts';
import { unzipReport, zipSignature } from './unzip-stream.ts';

export const reportPath = '/api/2.0/fo/report/';

/** Bytes read ahead to recognise a zip, XML, CSV or an error envelope. */
const peekBytes = 4096;

export interface PeekedStream {
  head: Buffer;
  stream: Readable;
}

/** Reads the first bytes of a stream and hands back a stream that still yields all of them. */
export async function peekStream(input: Readable, bytes = peekBytes): Promise<PeekedStream> {
  const iterator = input[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let length = 0;
  let done = false;
  while (length < bytes) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : (next.value as Buffer);
    chunks.push(chunk);
    length += chunk.length;
  }
  const head = Buffer.concat(chunks);
  async function* replay() {
    if (head.length > 0) yield head;
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value as Buffer;
    }
  }
  const stream = Readable.from(replay(), { objectMode: false });
  // Destroying the replay stream must also release the source (and its socket).
  stream.once('close', () => {
    if (!input.destroyed) input.destroy();
  });
  return { head, stream };
}

/** An error envelope is a few hundred bytes; 1 MiB is generous. */
export const maxEnvelopeBytes = 1024 * 1024;

async function readEnvelope(stream: Readable, label: string, reportId: string): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buffer = chunk as Buffer;
    total += buffer.length;
    if (total > maxEnvelopeBytes) {
      stream.destroy();
      throw new BadResponseError(
        `${label}: the body starts like a Qualys error message but is larger than ${maxEnvelopeBytes} bytes; refusing to read further.`,
        { details: { reportId, limitBytes: maxEnvelopeBytes } },
      );
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export type ReportFormat = 'xml' | 'csv';

/** Skips a UTF-8 BOM and whitespace: `<` means XML, anything else CSV. */
export function detectFormat(head: Buffer): ReportFormat {
  const text = head
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  return text.startsWith('<') ? 'xml' : 'csv';
}

export interface OpenedReport {
  format: ReportFormat;
  zipped: boolean;
  stream: Readable;
  cleanup(): Promise<void>;
}

/**
 * Fetches a finished report (`action=fetch&id=`): the body is the report file itself. An
 * error envelope is turned into a typed error, a zip is unpacked, and the format is detected
 * from the first bytes unless configured.
 */
export async function openReport(
  api: ClassicApi,
  reportId: string,
  format: 'auto' | ReportFormat,
  signal?: AbortSignal,
): Promise<OpenedReport> {
  const label = `Policy report ${reportId} fetch`;
  const response = await api.request({
    method: 'GET',
    path: reportPath,
    params: { action: 'fetch', id: reportId },
    label,
    ...(signal ? { signal } : {}),
  });
  let peeked = await peekStream(response.body);
  let zipped = false;
  let cleanup = async () => {};
  if (peeked.head.subarray(0, 4).equals(zipSignature)) {
    const unzipped = await unzipReport(peeked.stream, reportId);
    zipped = true;
    cleanup = unzipped.cleanup;
    try {
      peeked = await peekStream(unzipped.stream);
    } catch (error) {
      await cleanup();
      throw error;
    }
  } else if (peeked.head.includes('<SIMPLE_RETURN')) {
    // A small error envelope instead of the report (unknown ID, report not finished...). Only
    // its first MiB is read: a body that starts like an envelope but goes on for gigabytes is
    // refused, not buffered (issue 13).
    const body = await readEnvelope(peeked.stream, label, reportId);
    const simpleReturn = parseSimpleReturn(body);
    if (simpleReturn) {
      throw errorFromSimpleReturn(
        label,
        response.status,
        simpleReturn,
        'The report may have expired or been deleted; run the sync again to pick the newest one.',
      );
    }
    throw new BadResponseError(`${label}: the body is a malformed Qualys error message.`, {
      details: { reportId },
    });
  }
  if (peeked.head.length === 0) {
    await cleanup();
    throw new BadResponseError(`${label}: Qualys returned an empty file. Re-run the report in Qualys.`, {
      details: { reportId },
    });
  }
  return {
    format: format === 'auto' ? detectFormat(peeked.head) : format,
    zipped,
    stream: peeked.stream,
    cleanup,
  };
}
