import { BadResponseError } from '../errors/index.ts';
import type { HttpResponse } from './types.ts';

/** 1 MiB: a Qualys error envelope or login answer is a few hundred bytes. */
export const defaultMaxSmallBodyBytes = 1024 * 1024;

/**
 * Reads a body that is small by nature (an error envelope, a login or launch answer, a list of a
 * few hundred entries) and fails with a BadResponseError as soon as more than `maxBytes` arrived,
 * so a hostile or broken server that streams gigabytes costs at most `maxBytes` of memory.
 */
export async function readSmallBody(
  response: HttpResponse,
  label: string,
  maxBytes: number = defaultMaxSmallBodyBytes,
): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response.body) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += buffer.length;
    if (total > maxBytes) {
      response.body.destroy();
      throw new BadResponseError(
        `${label}: the answer is larger than ${maxBytes} bytes, far more than this call ever returns; refusing to read further.`,
        { details: { call: label, status: response.status, limitBytes: maxBytes } },
      );
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
