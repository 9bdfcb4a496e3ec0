import { describe, expect, it } from 'vitest';
import { BadResponseError } from '../errors/index.ts';
import { pageThrough } from './page-through.ts';

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const results: T[] = [];
  for await (const item of iterable) results.push(item);
  return results;
}

describe('pageThrough', () => {
  it('pageThrough follows links until a page has none', async () => {
    const asked: (string | null)[] = [];
    const pages = await collect(
      pageThrough(async (next, pageNumber) => {
        asked.push(next);
        return { pageNumber, nextUrl: pageNumber < 3 ? `https://q/list?id_min=${pageNumber * 100}` : null };
      }),
    );
    expect(pages.map((page) => page.pageNumber)).toEqual([1, 2, 3]);
    expect(asked).toEqual([null, 'https://q/list?id_min=100', 'https://q/list?id_min=200']);
  });

  it('stops a looping server and enforces the page bound', async () => {
    await expect(
      collect(pageThrough(async () => ({ nextUrl: 'https://q/same' }), { label: 'host list' })),
    ).rejects.toThrow(/host list: page 2 links to a page already fetched/);
    let counter = 0;
    await expect(
      collect(pageThrough(async () => ({ nextUrl: `https://q/${counter++}` }), { maxPages: 5 })),
    ).rejects.toBeInstanceOf(BadResponseError);
    expect(counter).toBe(5);
  });
});
