import { Readable } from 'node:stream';
import { BadResponseError } from '@posturesync/core';
import { buildZipBomb } from '@posturesync/qualys-simulator';
import { describe, expect, it } from 'vitest';
import { unzipReport } from './unzip-stream.ts';

async function drain(stream: Readable): Promise<number> {
  let total = 0;
  for await (const chunk of stream) total += (chunk as Buffer).length;
  return total;
}

describe('unzipReport', () => {
  it('issue 13: refuses a 2 MB zip bomb before inflating it', async () => {
    const bomb = buildZipBomb();
    expect(bomb.length).toBeLessThan(3 * 1024 * 1024);
    const error = await unzipReport(Readable.from([bomb]), '42').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadResponseError);
    expect((error as BadResponseError).code).toBe('PS_ERR_BAD_RESPONSE');
    expect((error as Error).message).toContain('looks like a zip bomb: it unpacks to more than 400 times');
  });

  it('issue 13: a bomb whose header lies about its size is stopped while it inflates', async () => {
    const bomb = buildZipBomb({ inflatedBytes: 512 * 1024 * 1024, declaredBytes: 64 * 1024 * 1024 });
    const unzipped = await unzipReport(Readable.from([bomb]), '42', {
      maxUncompressedBytes: 1024 ** 3,
      maxRatio: 100_000,
    });
    const error = await drain(unzipped.stream).catch((caught: unknown) => caught);
    await unzipped.cleanup();
    expect(error).toBeInstanceOf(BadResponseError);
    expect((error as Error).message).toContain('looks like a zip bomb');
  });

  it('issue 13: the uncompressed-size limit bites while inflating too', async () => {
    const bomb = buildZipBomb({ inflatedBytes: 256 * 1024 * 1024, declaredBytes: 1024 });
    const unzipped = await unzipReport(Readable.from([bomb]), '42', {
      maxUncompressedBytes: 8 * 1024 * 1024,
      maxRatio: 400,
    });
    const error = await drain(unzipped.stream).catch((caught: unknown) => caught);
    await unzipped.cleanup();
    expect(error).toBeInstanceOf(BadResponseError);
  });
});
