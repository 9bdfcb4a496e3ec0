import { describe, expect, it } from 'vitest';
import {
  childElements,
  childText,
  descendantElements,
  parseSmallXml,
  type XmlElement,
} from './parse-small-xml.ts';

function rootOf(xml: string): XmlElement {
  const result = parseSmallXml(xml);
  if (!result.ok) throw new Error(result.reason);
  return result.root;
}

describe('parseSmallXml', () => {
  it('reads elements, attributes, CDATA and the built-in entities in document order', () => {
    const root = rootOf(
      '<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE SIMPLE_RETURN SYSTEM "https://example.test/simple_return.dtd">\n' +
        '<LIST kind="x"><ITEM>a &amp; b</ITEM><OTHER/><ITEM><![CDATA[<raw> & text]]></ITEM></LIST>',
    );
    expect(root.name).toBe('LIST');
    expect(root.attributes).toEqual({ kind: 'x' });
    expect(root.children.map((child) => child.name)).toEqual(['ITEM', 'OTHER', 'ITEM']);
    expect(childElements(root, 'ITEM').map((item) => item.text)).toEqual(['a & b', '<raw> & text']);
    expect(childText(root, 'OTHER')).toBe('');
    expect(childText(root, 'MISSING')).toBeNull();
  });

  it('finds descendants at any depth', () => {
    const root = rootOf('<A><B><ID>1</ID></B><C><D><ID>2</ID></D></C></A>');
    expect(descendantElements(root, 'ID').map((element) => element.text)).toEqual(['1', '2']);
  });

  it('does not expand entities declared in an internal DTD subset (no billion laughs, no XXE)', () => {
    const bomb =
      '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><a>&lol2;</a>';
    const xxe = '<!DOCTYPE a [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><a>&xxe;</a>';
    for (const document of [bomb, xxe]) {
      const result = parseSmallXml(document);
      expect(result.ok).toBe(false);
    }
  });

  it('refuses a document over the length limit before parsing it', () => {
    const result = parseSmallXml(`<a>${'x'.repeat(2000)}</a>`, { maxLength: 1000 });
    expect(result).toEqual({ ok: false, reason: 'document of 2007 characters is over the 1000 limit' });
  });

  it('refuses nesting deeper than the limit without overflowing the stack', () => {
    const depth = 20_000;
    const result = parseSmallXml(`${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}`);
    expect(result).toEqual({ ok: false, reason: 'elements nested deeper than 64 levels' });
  });

  it('parses a megabyte of comment openers in linear time (no regular-expression backtracking)', () => {
    const started = performance.now();
    const result = parseSmallXml(`<a>${'<!--'.repeat(200_000)}</a>`);
    expect(result.ok).toBe(false);
    // Generous bound: the regex parser this replaced took ~12 s on a quarter of this input.
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('reports malformed XML with the parser reason and never throws', () => {
    for (const text of ['', 'not xml', '<a><b></a>', '<a>&bogus;</a>']) {
      const result = parseSmallXml(text);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).not.toBe('');
    }
  });
});
