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

/** Error bodies are small; anything larger is not an error envelope and is not scanned. */
const maxScannedLength = 1024 * 1024;

/**
 * Parses a SIMPLE_RETURN body with a handful of regular expressions: no DTD is fetched and no
 * entity beyond the five XML built-ins and numeric references is expanded, so a hostile body
 * cannot trigger XXE or entity blow-up. Returns null when the text is not a SIMPLE_RETURN.
 */
export function parseSimpleReturn(xml: string): SimpleReturn | null {
  if (xml.length > maxScannedLength) return null;
  const cleaned = xml.replace(/<!--[\s\S]*?-->/g, '').replace(/<!DOCTYPE[^>[]*(\[[\s\S]*?\])?\s*>/i, '');
  const envelope = /<SIMPLE_RETURN\b[^>]*>([\s\S]*?)<\/SIMPLE_RETURN\s*>/i.exec(cleaned)?.[1];
  if (envelope === undefined) return null;
  const response = /<RESPONSE\b[^>]*>([\s\S]*?)<\/RESPONSE\s*>/i.exec(envelope)?.[1] ?? envelope;
  const items: Record<string, string> = {};
  for (const match of response.matchAll(/<ITEM\b[^>]*>([\s\S]*?)<\/ITEM\s*>/gi)) {
    const item = match[1] ?? '';
    const key = elementText(item, 'KEY');
    if (key === null) continue;
    items[key] = elementText(item, 'VALUE') ?? '';
  }
  const outside = response.replace(/<ITEM_LIST\b[^>]*>[\s\S]*?<\/ITEM_LIST\s*>/gi, '');
  return {
    code: elementText(outside, 'CODE'),
    text: elementText(outside, 'TEXT'),
    items,
    datetime: elementText(outside, 'DATETIME'),
  };
}

/** Text of the first `<name>` element in `xml`, trimmed, with CDATA unwrapped; null if absent. */
export function elementText(xml: string, name: string): string | null {
  const pattern = new RegExp(`<${name}\\b[^>]*?(?:/>|>([\\s\\S]*?)</${name}\\s*>)`, 'i');
  const match = pattern.exec(xml);
  if (!match) return null;
  return decodeXmlText(match[1] ?? '').trim();
}

/** Unwraps CDATA sections and decodes the predefined XML entities and numeric references. */
export function decodeXmlText(raw: string): string {
  let result = '';
  let rest = raw;
  for (;;) {
    const start = rest.indexOf('<![CDATA[');
    if (start === -1) break;
    const end = rest.indexOf(']]>', start + 9);
    if (end === -1) break;
    result += decodeEntities(rest.slice(0, start)) + rest.slice(start + 9, end);
    rest = rest.slice(end + 3);
  }
  return result + decodeEntities(rest);
}

const namedEntities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity.startsWith('#')) {
      const codePoint =
        entity[1] === 'x' || entity[1] === 'X'
          ? Number.parseInt(entity.slice(2), 16)
          : Number(entity.slice(1));
      return Number.isInteger(codePoint) && codePoint > 0 && codePoint <= 0x10ffff
        ? String.fromCodePoint(codePoint)
        : whole;
    }
    return namedEntities[entity.toLowerCase()] ?? whole;
  });
}
