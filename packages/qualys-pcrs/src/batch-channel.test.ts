import { describe, expect, it } from 'vitest';
import { BatchChannel, ChannelClosedError } from './batch-channel.ts';

describe('BatchChannel', () => {
  it('delivers items in offer order and makes producers wait for room', async () => {
    const channel = new BatchChannel<number>(2);
    const built: number[] = [];
    const producers = [1, 2, 3, 4].map((value) =>
      channel.offer(() => {
        built.push(value);
        return value;
      }),
    );
    await Promise.resolve();
    expect(built).toEqual([1, 2]);
    const received: number[] = [];
    const consuming = (async () => {
      for await (const item of channel) received.push(item);
    })();
    await Promise.all(producers);
    channel.close();
    await consuming;
    expect(received).toEqual([1, 2, 3, 4]);
    expect(built).toEqual([1, 2, 3, 4]);
  });

  it('fails the consumer with the producer error and rejects later offers', async () => {
    const channel = new BatchChannel<number>(1);
    await channel.offer(() => 1);
    channel.close(new Error('boom'));
    await expect(channel.offer(() => 2)).rejects.toBeInstanceOf(ChannelClosedError);
    await expect(
      (async () => {
        for await (const _item of channel) {
          // drain
        }
      })(),
    ).rejects.toThrow('boom');
  });
});
