import { BadResponseError } from '../errors/index.ts';
import { throwIfAborted } from '../http/sleep.ts';

/** What a page fetcher reports back: the next-page link it found (null on the last page). */
export interface Page {
  nextUrl: string | null;
}

export interface PageThroughOptions {
  /** Safety bound against a server that never stops paging; default 10 000. */
  maxPages?: number;
  signal?: AbortSignal;
  /** Names the listing in errors, e.g. `report list`. */
  label?: string;
}

/**
 * Follows next-page links: calls `fetchPage(null, 1)` for the first page, then
 * `fetchPage(nextUrl, n)` while the previous page reported one, yielding each page's result.
 * Stops with BadResponseError when a link repeats (the server is looping) or `maxPages` is
 * exceeded, instead of paging forever.
 */
export async function* pageThrough<P extends Page>(
  fetchPage: (nextUrl: string | null, pageNumber: number) => Promise<P>,
  options: PageThroughOptions = {},
): AsyncGenerator<P, void, undefined> {
  const maxPages = options.maxPages ?? 10_000;
  const label = options.label ?? 'listing';
  const seen = new Set<string>();
  let nextUrl: string | null = null;
  for (let pageNumber = 1; ; pageNumber++) {
    throwIfAborted(options.signal);
    if (pageNumber > maxPages) {
      throw new BadResponseError(
        `${label}: still more pages after ${maxPages}; stopping in case the server is looping. Raise maxPages if the listing is really that long.`,
        { details: { label, maxPages } },
      );
    }
    const page: P = await fetchPage(nextUrl, pageNumber);
    yield page;
    if (page.nextUrl === null) return;
    if (seen.has(page.nextUrl)) {
      throw new BadResponseError(
        `${label}: page ${pageNumber} links to a page already fetched; the server is looping. Try again later.`,
        { details: { label, pageNumber } },
      );
    }
    seen.add(page.nextUrl);
    nextUrl = page.nextUrl;
  }
}
