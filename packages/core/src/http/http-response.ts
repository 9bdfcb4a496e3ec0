import { type Readable, Transform } from 'node:stream';
import type { BadResponseError } from '../errors/index.ts';
import { defaultResponseLimits, type ResponseLimits, watchResponse } from './response-deadline.ts';
import type { HttpClientMetrics, HttpResponse } from './types.ts';

/** undici's body stream. */
export type SourceBody = Readable;

export interface ResponseParts {
  status: number;
  headers: Record<string, string>;
  source: SourceBody;
  metrics: HttpClientMetrics;
  /** Turns a raw stream error (idle timeout, reset, abort) into the PostureSyncError callers see. */
  mapError: (error: unknown) => Error;
  /** Builds the BadResponseError for a body that is not what `json()` expects. */
  invalidJson: (excerpt: string, cause: unknown) => BadResponseError;
  /** Builds the BadResponseError for a buffered body larger than `maxBufferedBytes`. */
  tooLarge: (limit: number) => BadResponseError;
  /**
   * Upper bound for `bytes()`, `text()` and `json()`. Small answers (policy lists, host ID
   * lists, error bodies) are buffered; a server that sends far more than any real answer must
   * not exhaust memory. Bulk data is read from `body` as a stream and is not bounded here.
   */
  maxBufferedBytes?: number;
  /** Called exactly once when the body has ended, failed or been discarded. */
  onDone: () => void;
  /** Whole-body time and size bounds (issue 13); with `overLimit` building the errors. */
  limits?: ResponseLimits;
  overLimit?: { tooSlow: (limitMs: number) => Error; tooLarge: (limitBytes: number) => Error };
}

/** 256 MiB: ten times the largest host ID list a real subscription returns. */
export const defaultMaxBufferedBytes = 256 * 1024 * 1024;

/**
 * Wraps undici's body: counts bytes into the metrics, maps stream errors to PostureSyncErrors
 * and reports when the body is finished, which is when the call gives back its concurrency slot.
 */
export function createHttpResponse(parts: ResponseParts): HttpResponse {
  const { source, metrics } = parts;
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    parts.onDone();
  };
  let watch: ReturnType<typeof watchResponse> | null = null;
  const body = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      metrics.bytesReceived += chunk.length;
      const exceeded = watch?.received(chunk.length) ?? null;
      if (exceeded) callback(exceeded);
      else callback(null, chunk);
    },
  });
  if (parts.overLimit) watch = watchResponse(body, parts.limits ?? defaultResponseLimits, parts.overLimit);
  source.on('error', (error) => {
    if (!body.destroyed) body.destroy(parts.mapError(error));
  });
  // A body the caller has not started reading may still fail (the server hangs up). Readers
  // (for await, pipeline, text()) still see the error; without this no-op listener an unread
  // failing body would crash the process with an unhandled 'error' event.
  body.on('error', () => {});
  body.on('end', finish);
  body.on('close', () => {
    // The consumer stopped early: abort the underlying request so the socket is not left hanging.
    if (!source.destroyed && !source.readableEnded) source.destroy();
    finish();
  });
  source.pipe(body);

  const maxBufferedBytes = parts.maxBufferedBytes ?? defaultMaxBufferedBytes;
  const bytes = async (): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of body) {
      const buffer = chunk as Buffer;
      total += buffer.length;
      if (total > maxBufferedBytes) {
        body.destroy();
        throw parts.tooLarge(maxBufferedBytes);
      }
      chunks.push(buffer);
    }
    return Buffer.concat(chunks);
  };
  const text = async () => (await bytes()).toString('utf8');

  return {
    status: parts.status,
    headers: parts.headers,
    body,
    bytes,
    text,
    async json<T = unknown>(): Promise<T> {
      const raw = await text();
      try {
        return JSON.parse(raw) as T;
      } catch (error) {
        throw parts.invalidJson(raw.slice(0, 300), error);
      }
    },
    async dump(): Promise<void> {
      if (done) return;
      // Destroying is immediate even for an endless or stalled body. A response undici has already
      // received in full keeps its socket for reuse; one still streaming closes it, which is what
      // we want for a body we will not read.
      source.unpipe(body);
      body.destroy();
      source.destroy();
      finish();
    },
  };
}

/** Reads at most `maxBytes` of a response (error bodies); never throws. */
export async function readExcerpt(response: HttpResponse, maxBytes = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of response.body) {
      const buffer = chunk as Buffer;
      chunks.push(buffer);
      total += buffer.length;
      if (total >= maxBytes) break;
    }
  } catch {
    // A broken error body still leaves us the status and what was read.
  } finally {
    response.body.destroy();
  }
  return Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8');
}
