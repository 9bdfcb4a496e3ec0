import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ChunkedWriter } from './chunked-writer.ts';

class SlowStream extends EventEmitter {
  chunks: string[] = [];
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return false; // always "buffer full": the writer must wait for 'drain'
  }
}

describe('ChunkedWriter', () => {
  it('groups small writes into chunks and flushes the rest', async () => {
    const chunks: string[] = [];
    const writer = new ChunkedWriter({ write: (chunk: string) => chunks.push(chunk) }, 10);
    for (const part of ['abc', 'def', 'ghij', 'k']) await writer.write(part);
    await writer.flush();
    expect(chunks).toEqual(['abcdefghij', 'k']);
  });

  it('waits for drain when the stream is full', async () => {
    const stream = new SlowStream();
    const writer = new ChunkedWriter(stream, 1);
    let done = false;
    const pending = writer.write('x').then(() => {
      done = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    stream.emit('drain');
    await pending;
    expect(done).toBe(true);
    expect(stream.chunks).toEqual(['x']);
  });
});
