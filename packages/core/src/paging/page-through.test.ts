import { describe, expect, it } from 'vitest';
import { BadResponseError } from '../errors/index.ts';
import { idMinFromUrl, nextPageUrl } from './next-page-url.ts';
import { idMinPaging, pageThrough } from './page-through.ts';

const tail = (url: string) => `
    </HOST>
  </HOST_LIST>
  <WARNING>
    <CODE>1980</CODE>
    <TEXT>1000 record limit exceeded. Use URL to get next batch of results.</TEXT>
    <URL><![CDATA[${url}]]></URL>
  </WARNING>
</RESPONSE>
</HOST_LIST_OUTPUT>`;

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const results: T[] = [];
  for await (const item of iterable) results.push(item);
  return results;
}

describe('classic Qualys XML paging', () => {
  it('reads the WARNING/URL next-page link, CDATA or entity-encoded', () => {
    const url =
      'https://qualysapi.qualys.com/api/2.0/fo/asset/host/?action=list&truncation_limit=1000&id_min=4512';
    expect(nextPageUrl(tail(url))).toBe(url);
    expect(nextPageUrl('<WARNING><CODE>1980</CODE><URL>https://x/?a=1&amp;id_min=9</URL></WARNING>')).toBe(
      'https://x/?a=1&id_min=9',
    );
    expect(nextPageUrl('</HOST_LIST></RESPONSE>')).toBeNull();
    expect(nextPageUrl('<WARNING><CODE>1234</CODE><TEXT>no link</TEXT></WARNING>')).toBeNull();
    expect(idMinFromUrl(url)).toBe('4512');
    expect(idMinFromUrl('/api/2.0/fo/report/?action=list')).toBeNull();
  });

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

  it('idMinPaging hands the fetcher successive id_min values', async () => {
    const seen: (string | null)[] = [];
    const urls = [
      tail('https://q/?action=list&id_min=1001'),
      tail('https://q/?action=list&id_min=2001'),
      '</RESPONSE>',
    ];
    await collect(
      idMinPaging(async (idMin, pageNumber) => {
        seen.push(idMin);
        return { nextUrl: nextPageUrl(urls[pageNumber - 1] ?? '') };
      }),
    );
    expect(seen).toEqual([null, '1001', '2001']);
    await expect(
      collect(idMinPaging(async (idMin) => ({ nextUrl: idMin === null ? 'https://q/?action=list' : null }))),
    ).rejects.toThrow(/no id_min/);
  });
});
