import { isoSeconds } from '../estate/dates.ts';
import { escapeXml } from './xml.ts';

export interface SimpleReturnBody {
  code?: number;
  text: string;
  items?: ReadonlyArray<readonly [string, string | number]>;
}

/** The classic API v2 SIMPLE_RETURN envelope (wire spec C.2). */
export function simpleReturnXml(body: SimpleReturnBody, nowMs: number, platformHost: string): string {
  const items = body.items?.length
    ? `\n    <ITEM_LIST>\n${body.items
        .map(
          ([key, value]) =>
            `      <ITEM>\n        <KEY>${escapeXml(key)}</KEY>\n        <VALUE>${escapeXml(String(value))}</VALUE>\n      </ITEM>\n`,
        )
        .join('')}    </ITEM_LIST>`
    : '';
  return `<?xml version="1.0" encoding="UTF-8" ?>
<!DOCTYPE SIMPLE_RETURN SYSTEM "https://${platformHost}/api/2.0/simple_return.dtd">
<SIMPLE_RETURN>
  <RESPONSE>
    <DATETIME>${isoSeconds(nowMs)}</DATETIME>${body.code === undefined ? '' : `\n    <CODE>${body.code}</CODE>`}
    <TEXT>${escapeXml(body.text)}</TEXT>${items}
  </RESPONSE>
</SIMPLE_RETURN>
`;
}

/** "23 hours, 57 minutes and 54 seconds", as in the 1965 rate-limit text. */
export function waitText(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  const parts = [
    hours ? `${hours} hours` : '',
    minutes ? `${minutes} minutes` : '',
    `${rest} seconds`,
  ].filter(Boolean);
  return parts.length > 1
    ? `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`
    : (parts[0] ?? '0 seconds');
}
