import {
  BadResponseError,
  childText,
  type Page,
  type PageThroughOptions,
  pageThrough,
  parseSmallXml,
} from '@posturesync/core';

/**
 * The next-page link of a classic Qualys v2 XML list, read from the end of the document:
 * `<WARNING><CODE>1980</CODE><TEXT>...</TEXT><URL><![CDATA[https://...&id_min=123]]></URL></WARNING>`.
 * Pass the last few kilobytes of the body (the WARNING follows the records). Returns null when
 * there is no WARNING with a URL, i.e. this was the last page.
 */
export function nextPageUrl(xmlTail: string): string | null {
  // The tail is not a whole document: cut out each complete WARNING element by position (last
  // first) and parse just that with the small-document parser; no pattern matching of XML.
  let end = xmlTail.length;
  for (;;) {
    const close = xmlTail.lastIndexOf('</WARNING>', end);
    if (close === -1) return null;
    const open = xmlTail.lastIndexOf('<WARNING>', close);
    if (open === -1) return null;
    const parsed = parseSmallXml(xmlTail.slice(open, close + '</WARNING>'.length), { maxDepth: 4 });
    const url = parsed.ok ? childText(parsed.root, 'URL') : null;
    if (url) return url;
    end = open - 1;
    if (end < 0) return null;
  }
}

/** The `id_min` query parameter of a next-page link, or null when it has none. */
export function idMinFromUrl(url: string): string | null {
  try {
    return new URL(url, 'https://placeholder.invalid').searchParams.get('id_min');
  } catch {
    return null;
  }
}

/**
 * Classic Qualys `id_min` paging: like `pageThrough`, but hands the fetcher the `id_min` value
 * from each next-page link (null for the first page), for callers that build their own request.
 */
export async function* idMinPaging<P extends Page>(
  fetchPage: (idMin: string | null, pageNumber: number) => Promise<P>,
  options: PageThroughOptions = {},
): AsyncGenerator<P, void, undefined> {
  const label = options.label ?? 'listing';
  yield* pageThrough((nextUrl, pageNumber) => {
    if (nextUrl === null) return fetchPage(null, pageNumber);
    const idMin = idMinFromUrl(nextUrl);
    if (idMin === null) {
      throw new BadResponseError(
        `${label}: the next-page link has no id_min parameter; cannot continue paging.`,
        {
          details: { label, pageNumber },
        },
      );
    }
    return fetchPage(idMin, pageNumber);
  }, options);
}
