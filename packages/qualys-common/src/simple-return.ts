import { childElement, childElements, childText, parseSmallXml, type XmlElement } from '@posturesync/core';

/**
 * A Qualys `SIMPLE_RETURN` body (classic API v2 errors and some successes):
 * `SIMPLE_RETURN > RESPONSE > {DATETIME, CODE?, TEXT, ITEM_LIST > ITEM* > {KEY, VALUE}}`.
 */
export interface SimpleReturn {
  code: string | null;
  text: string | null;
  items: Record<string, string>;
  datetime: string | null;
}

/** Error bodies are small; anything larger is not an error envelope and is not parsed. */
export const maxSimpleReturnLength = 1024 * 1024;

/**
 * Qualys documents name a DTD with a curly closing quote (`simple_return.dtd”>`), which a strict
 * parser reads as an unterminated literal swallowing the rest of the document. The DOCTYPE carries
 * nothing we use (no entity is ever expanded from it), so it is cut out by position, not by a
 * pattern: from `<!DOCTYPE` to the first `>` when there is no internal subset.
 */
function withoutExternalDoctype(xml: string): string {
  const start = xml.indexOf('<!DOCTYPE');
  if (start === -1) return xml;
  const end = xml.indexOf('>', start);
  if (end === -1) return xml;
  const declaration = xml.slice(start, end);
  // An internal subset (`[`) is left for the parser, which refuses the entities it declares.
  if (declaration.includes('[')) return xml;
  return xml.slice(0, start) + xml.slice(end + 1);
}

/**
 * Parses a SIMPLE_RETURN body with `parseSmallXml` (xml2js, strict, no DTD processing, no entity
 * beyond the XML built-ins, length and depth capped), so a hostile body costs linear time and
 * bounded memory. Returns null when the text is not a well-formed SIMPLE_RETURN.
 */
export function parseSimpleReturn(xml: string): SimpleReturn | null {
  if (xml.length > maxSimpleReturnLength || !xml.includes('SIMPLE_RETURN')) return null;
  const parsed = parseSmallXml(withoutExternalDoctype(xml), {
    maxLength: maxSimpleReturnLength,
    maxDepth: 16,
  });
  if (!parsed.ok || parsed.root.name.toUpperCase() !== 'SIMPLE_RETURN') return null;
  const response = childElement(parsed.root, 'RESPONSE') ?? parsed.root;
  const items: Record<string, string> = {};
  const itemList = childElement(response, 'ITEM_LIST');
  for (const item of itemList ? childElements(itemList, 'ITEM') : []) {
    const key = childText(item, 'KEY');
    if (key === null) continue;
    items[key] = childText(item, 'VALUE') ?? '';
  }
  return {
    code: textOrNull(response, 'CODE'),
    text: textOrNull(response, 'TEXT'),
    items,
    datetime: textOrNull(response, 'DATETIME'),
  };
}

function textOrNull(element: XmlElement, name: string): string | null {
  return childText(element, name);
}
