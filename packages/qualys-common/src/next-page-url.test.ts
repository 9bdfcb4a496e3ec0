import { describe, expect, it } from 'vitest';
import { idMinFromUrl, idMinPaging, nextPageUrl } from './next-page-url.ts';

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
