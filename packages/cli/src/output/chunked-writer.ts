import { once } from 'node:events';
import type { CliStream } from '../context.ts';

interface DrainableStream extends CliStream {
  once(event: 'drain' | 'error' | 'close', listener: (...args: unknown[]) => void): unknown;
}

function isDrainable(stream: CliStream): stream is DrainableStream {
  return typeof (stream as { once?: unknown }).once === 'function';
}

/**
 * Collects text into chunks of about `chunkSize` characters and writes each to the stream,
 * waiting for 'drain' when the stream says its buffer is full, so a slow reader (a pipe, a
 * file) holds the producer back instead of letting output pile up in memory.
 */
export class ChunkedWriter {
  readonly #stream: CliStream;
  readonly #chunkSize: number;
  #pending: string[] = [];
  #pendingLength = 0;

  constructor(stream: CliStream, chunkSize = 64 * 1024) {
    this.#stream = stream;
    this.#chunkSize = chunkSize;
  }

  /** Resolves at once unless a chunk was written and the stream asked to wait. */
  async write(text: string): Promise<void> {
    this.#pending.push(text);
    this.#pendingLength += text.length;
    if (this.#pendingLength >= this.#chunkSize) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.#pendingLength === 0) return;
    const chunk = this.#pending.join('');
    this.#pending = [];
    this.#pendingLength = 0;
    const accepted = this.#stream.write(chunk);
    if (accepted === false && isDrainable(this.#stream)) await once(this.#stream as never, 'drain');
  }
}
