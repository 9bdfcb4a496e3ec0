import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';

const gunzipChunkSize = 256 * 1024;

export interface DecodedBody {
  /** Whether the body carried gzip bytes (magic 1f 8b), whatever Content-Encoding said. */
  gzip: boolean;
  /** UTF-8 text pieces in order. */
  text: AsyncIterable<string>;
  /** Bytes received from the wire so far (compressed size when gzip). */
  wireBytes(): number;
}

async function* prepend(first: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield first;
  for (;;) {
    const next = await rest.next();
    if (next.done) return;
    yield next.value;
  }
}

async function* decodeText(source: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  for await (const chunk of source) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (text.length > 0) yield text;
  }
  const rest = decoder.end();
  if (rest.length > 0) yield rest;
}

/**
 * PCRS answers `compressionRequired=1` with gzip bytes as the payload itself, usually without
 * `Content-Encoding`, so the body is sniffed: gzip magic -> gunzip (streaming), otherwise the
 * bytes are already JSON (plain, or already decoded by the HTTP layer).
 */
export async function decodeResponseBody(
  body: AsyncIterable<Buffer | Uint8Array | string>,
): Promise<DecodedBody> {
  let wireBytes = 0;
  const counted = (async function* () {
    for await (const chunk of body) {
      const buffer =
        typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      wireBytes += buffer.length;
      yield buffer;
    }
  })();
  const iterator = counted[Symbol.asyncIterator]();
  let head: Buffer = Buffer.alloc(0);
  while (head.length < 2) {
    const next = await iterator.next();
    if (next.done) break;
    head = head.length === 0 ? next.value : Buffer.concat([head, next.value]);
  }
  if (head.length === 0) {
    return { gzip: false, text: (async function* () {})(), wireBytes: () => wireBytes };
  }
  const source = prepend(head, iterator);
  const gzip = head[0] === 0x1f && head[1] === 0x8b;
  if (!gzip) return { gzip, text: decodeText(source), wireBytes: () => wireBytes };
  const gunzip = createGunzip({ chunkSize: gunzipChunkSize });
  const input = Readable.from(source, { objectMode: false });
  input.on('error', (error) => gunzip.destroy(error));
  input.pipe(gunzip);
  const text = (async function* () {
    try {
      yield* decodeText(gunzip);
    } finally {
      input.destroy();
      gunzip.destroy();
    }
  })();
  return { gzip, text, wireBytes: () => wireBytes };
}
