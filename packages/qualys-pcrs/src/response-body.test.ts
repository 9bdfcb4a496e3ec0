import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeResponseBody } from './response-body.ts';

async function* pieces(buffer: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let offset = 0; offset < buffer.length; offset += size) yield buffer.subarray(offset, offset + size);
}

async function collect(text: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const piece of text) out += piece;
  return out;
}

const json = JSON.stringify([{ a: 'ü 日本 😀', b: 'x'.repeat(5000) }]);

describe('decodeResponseBody', () => {
  it('gunzips a gzip payload detected by magic bytes, even when split after one byte', async () => {
    const zipped = gzipSync(Buffer.from(json));
    for (const size of [1, 3, 1000]) {
      const decoded = await decodeResponseBody(pieces(zipped, size));
      expect(decoded.gzip).toBe(true);
      expect(await collect(decoded.text)).toBe(json);
      expect(decoded.wireBytes()).toBe(zipped.length);
    }
  });

  it('passes plain JSON through, keeping multi-byte characters split across chunks', async () => {
    const decoded = await decodeResponseBody(pieces(Buffer.from(json), 1));
    expect(decoded.gzip).toBe(false);
    expect(await collect(decoded.text)).toBe(json);
  });

  it('treats an empty body as empty text', async () => {
    const decoded = await decodeResponseBody(pieces(Buffer.alloc(0), 1));
    expect(await collect(decoded.text)).toBe('');
  });

  it('fails on a truncated gzip stream', async () => {
    const zipped = gzipSync(Buffer.from(json));
    const decoded = await decodeResponseBody(pieces(zipped.subarray(0, zipped.length - 20), 64));
    await expect(collect(decoded.text)).rejects.toThrow(/unexpected end of file/);
  });
});
