import { elementText } from '../http/simple-return.ts';

/**
 * The next-page link of a classic Qualys v2 XML list, read from the end of the document:
 * `<WARNING><CODE>1980</CODE><TEXT>...</TEXT><URL><![CDATA[https://...&id_min=123]]></URL></WARNING>`.
 * Pass the last few kilobytes of the body (the WARNING follows the records). Returns null when
 * there is no WARNING with a URL, i.e. this was the last page.
 */
export function nextPageUrl(xmlTail: string): string | null {
  const warnings = [...xmlTail.matchAll(/<WARNING\b[^>]*>([\s\S]*?)<\/WARNING\s*>/gi)];
  for (let index = warnings.length - 1; index >= 0; index--) {
    const url = elementText(warnings[index]?.[1] ?? '', 'URL');
    if (url) return url;
  }
  return null;
}

/** The `id_min` query parameter of a next-page link, or null when it has none. */
export function idMinFromUrl(url: string): string | null {
  try {
    return new URL(url, 'https://placeholder.invalid').searchParams.get('id_min');
  } catch {
    return null;
  }
}
