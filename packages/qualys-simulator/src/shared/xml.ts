export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => {
    switch (char) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      default:
        return '&apos;';
    }
  });
}

/** Wraps free text in CDATA the way Qualys v2 XML does; a `]]>` inside is split across sections. */
export function cdata(value: string): string {
  return `<![CDATA[${value.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

export function element(name: string, value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return `<${name}/>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

export function cdataElement(name: string, value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return `<${name}/>`;
  return `<${name}>${cdata(value)}</${name}>`;
}
