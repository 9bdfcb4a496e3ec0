import { Parser } from 'xml2js';

/**
 * One element of a small XML document: its name, attributes, its own text (CDATA unwrapped,
 * entities decoded, not trimmed) and its child elements in document order.
 */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly text: string;
  readonly children: readonly XmlElement[];
}

export interface ParseSmallXmlOptions {
  /** Largest document accepted, in UTF-16 code units of the text (default 1 Mi). */
  maxLength?: number;
  /** Deepest element nesting accepted (default 64); small API answers are a few levels deep. */
  maxDepth?: number;
}

export type SmallXmlResult = { ok: true; root: XmlElement } | { ok: false; reason: string };

const defaultMaxLength = 1024 * 1024;
const defaultMaxDepth = 64;

/**
 * Parses a small XML document (an API answer or error envelope, not a multi-GB stream) with
 * xml2js in strict mode. Why this is safe on hostile input:
 * - the length is checked before parsing, so memory and time are bounded by `maxLength`;
 * - xml2js drives sax, a linear state machine (no backtracking regular expressions);
 * - a DOCTYPE is read as opaque text: no DTD is fetched, no declared entity is registered, so
 *   only the five XML built-ins and numeric references expand and `&custom;` is an error;
 * - nesting deeper than `maxDepth` is refused.
 * Never throws: a malformed or oversized document is `{ ok: false, reason }`, so callers pick
 * their own error class and code.
 */
export function parseSmallXml(text: string, options: ParseSmallXmlOptions = {}): SmallXmlResult {
  const maxLength = options.maxLength ?? defaultMaxLength;
  if (text.length > maxLength) {
    return { ok: false, reason: `document of ${text.length} characters is over the ${maxLength} limit` };
  }
  const parser = new Parser({
    strict: true,
    async: false,
    explicitRoot: true,
    explicitChildren: true,
    preserveChildrenOrder: true,
    charsAsChildren: false,
    includeWhiteChars: false,
    explicitCharkey: true,
    charkey: '_',
    attrkey: '$',
    childkey: '$$',
    trim: false,
    normalize: false,
    xmlns: false,
  });
  let parsed: unknown;
  let failure: string | undefined;
  // With `async: false` xml2js parses synchronously and calls back before parseString returns.
  parser.parseString(text, (error: Error | null, result: unknown) => {
    if (error) failure ??= firstLine(error.message);
    else parsed = result;
  });
  if (failure !== undefined) return { ok: false, reason: `not well-formed XML: ${failure}` };
  if (parsed === null || typeof parsed !== 'object') return { ok: false, reason: 'no root element' };
  const rootName = Object.keys(parsed)[0];
  if (rootName === undefined) return { ok: false, reason: 'no root element' };
  const root = (parsed as Record<string, unknown>)[rootName];
  const maxDepth = options.maxDepth ?? defaultMaxDepth;
  const converted = toElement(rootName, root, 1, maxDepth);
  if (converted === null) return { ok: false, reason: `elements nested deeper than ${maxDepth} levels` };
  return { ok: true, root: converted };
}

interface RawNode {
  '#name'?: unknown;
  $?: unknown;
  _?: unknown;
  $$?: unknown;
}

function toElement(name: string, value: unknown, depth: number, maxDepth: number): XmlElement | null {
  if (depth > maxDepth) return null;
  // xml2js gives an empty element as '' (or a bare string for text-only ones on some options).
  if (value === null || typeof value !== 'object') {
    return { name, attributes: {}, text: typeof value === 'string' ? value : '', children: [] };
  }
  const node = value as RawNode;
  const attributes: Record<string, string> = {};
  if (node.$ !== null && typeof node.$ === 'object') {
    for (const [key, attribute] of Object.entries(node.$ as Record<string, unknown>)) {
      if (typeof attribute === 'string') attributes[key] = attribute;
    }
  }
  const children: XmlElement[] = [];
  if (Array.isArray(node.$$)) {
    for (const child of node.$$ as RawNode[]) {
      const childName = typeof child?.['#name'] === 'string' ? child['#name'] : '';
      const element = toElement(childName, child, depth + 1, maxDepth);
      if (element === null) return null;
      children.push(element);
    }
  }
  return { name, attributes, text: typeof node._ === 'string' ? node._ : '', children };
}

function firstLine(message: string): string {
  return message.split('\n', 1)[0] ?? message;
}

/** The first child element called `name`, or undefined. */
export function childElement(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((child) => child.name === name);
}

/** Every child element called `name`, in document order. */
export function childElements(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.name === name);
}

/** The trimmed text of the first child element called `name`, or null when there is none. */
export function childText(element: XmlElement, name: string): string | null {
  const child = childElement(element, name);
  return child === undefined ? null : child.text.trim();
}

/** Every element called `name` at any depth below `element` (breadth first), without recursion. */
export function descendantElements(element: XmlElement, name: string): XmlElement[] {
  const found: XmlElement[] = [];
  const queue: XmlElement[] = [...element.children];
  for (let index = 0; index < queue.length; index++) {
    const current = queue[index] as XmlElement;
    if (current.name === name) found.push(current);
    queue.push(...current.children);
  }
  return found;
}
