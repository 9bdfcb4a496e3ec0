import type { SimPolicy } from '../estate/types.ts';
import { cdata, escapeXml } from '../shared/xml.ts';

/** One entry of the classic compliance policy list: an estate policy or an extra, title-only one. */
export interface CompliancePolicyEntry {
  id: string;
  title: string;
  createdDate: string;
  createdBy: string;
  modifiedDate: string;
  modifiedBy: string;
  lastEvaluatedDate: string;
  status: 'active' | 'inactive';
  locked: 0 | 1;
  /** Tag ids the policy's scope includes (none for extra entries). */
  tagIds: number[];
}

/** The OS tag a simulator policy is scoped by, as a stable numeric tag id. */
const osTagIds = { windows: 7_001_101, linux: 7_001_102 } as const;

export function compliancePolicyEntryOf(policy: SimPolicy): CompliancePolicyEntry {
  return {
    id: policy.id,
    title: policy.title,
    createdDate: policy.createdDate,
    createdBy: policy.createdBy,
    modifiedDate: policy.modifiedDate,
    modifiedBy: policy.modifiedBy,
    lastEvaluatedDate: policy.lastEvaluatedDate,
    status: policy.status,
    locked: policy.locked,
    tagIds: policy.family === 'any' ? [osTagIds.windows, osTagIds.linux] : [osTagIds[policy.family]],
  };
}

/**
 * Numeric ids as Qualys writes an `ID_SET`: single ids as `ID`, runs of consecutive ids as
 * `ID_RANGE` `a-b` (spec policy-report-csv-real.md §2, `details=None`).
 */
export function idSetElements(ids: readonly string[]): string[] {
  const sorted = [...new Set(ids.map(Number))].filter(Number.isSafeInteger).sort((a, b) => a - b);
  const elements: string[] = [];
  let index = 0;
  while (index < sorted.length) {
    const start = sorted[index]!;
    let end = start;
    while (sorted[index + 1] === end + 1) {
      index++;
      end++;
    }
    elements.push(start === end ? `<ID>${start}</ID>` : `<ID_RANGE>${start}-${end}</ID_RANGE>`);
    index++;
  }
  return elements;
}

/**
 * Parses the `ids` parameter (`1,5-7`). Returns undefined when a part is not an id or a range,
 * so the handler can answer with the API's own error.
 */
export function parseIdList(text: string): ((id: string) => boolean) | undefined {
  const parts = text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  const ranges: Array<[number, number]> = [];
  for (const part of parts) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!match) return undefined;
    const low = Number(match[1]);
    const high = match[2] === undefined ? low : Number(match[2]);
    if (high < low) return undefined;
    ranges.push([low, high]);
  }
  return (id) => {
    const value = Number(id);
    return ranges.some(([low, high]) => value >= low && value <= high);
  };
}

function policyElement(entry: CompliancePolicyEntry): string {
  const tags = entry.tagIds.map((id) => `<TAG_ITEM_ID>${id}</TAG_ITEM_ID>`).join('');
  return `      <POLICY>
        <ID>${escapeXml(entry.id)}</ID>
        <TITLE>${cdata(entry.title)}</TITLE>
        <CREATED>
          <DATETIME>${entry.createdDate}</DATETIME>
          <BY>${escapeXml(entry.createdBy)}</BY>
        </CREATED>
        <LAST_MODIFIED>
          <DATETIME>${entry.modifiedDate}</DATETIME>
          <BY>${escapeXml(entry.modifiedBy)}</BY>
        </LAST_MODIFIED>
        <LAST_EVALUATED>
          <DATETIME>${entry.lastEvaluatedDate}</DATETIME>
        </LAST_EVALUATED>
        <STATUS>${entry.status}</STATUS>
        <IS_LOCKED>${entry.locked}</IS_LOCKED>
        <ASSET_TAGS>
          <TAG_SET_INCLUDE>${tags}</TAG_SET_INCLUDE>
          <TAG_INCLUDE_SELECTOR>${entry.tagIds.length > 1 ? 'any' : 'all'}</TAG_INCLUDE_SELECTOR>
          <TAG_SET_EXCLUDE/>
          <TAG_EXCLUDE_SELECTOR>any</TAG_EXCLUDE_SELECTOR>
        </ASSET_TAGS>
      </POLICY>
`;
}

/**
 * The classic compliance policy list (`/api/2.0/fo/compliance/policy/?action=list`).
 * Confirmed by a Qualys-authored tool: `.//POLICY` elements carry `ID` and `TITLE`, and
 * `details=None` answers an `ID_SET`. Unconfirmed, the simulator's choice: the root name
 * `POLICY_LIST_OUTPUT` (believed), the `RESPONSE/DATETIME` wrapper of the other v2 lists, the
 * DOCTYPE URL (never to be fetched) and the other children (CREATED, LAST_MODIFIED,
 * LAST_EVALUATED, STATUS, IS_LOCKED, ASSET_TAGS). The simulator's policies are scoped by tags,
 * so they carry no ASSET_GROUP_IDS. `details=All` answers what Basic does.
 */
export function compliancePolicyListXml(
  entries: readonly CompliancePolicyEntry[],
  details: 'None' | 'Basic' | 'All',
  nowIso: string,
  platformHost: string,
): string {
  let body = '';
  if (details === 'None') {
    const ids = idSetElements(entries.map((entry) => entry.id));
    if (ids.length > 0) body = `    <ID_SET>\n${ids.map((id) => `      ${id}\n`).join('')}    </ID_SET>\n`;
  } else if (entries.length > 0) {
    body = `    <POLICY_LIST>\n${entries.map(policyElement).join('')}    </POLICY_LIST>\n`;
  }
  return `<?xml version="1.0" encoding="UTF-8" ?>
<!DOCTYPE POLICY_LIST_OUTPUT SYSTEM "https://${platformHost}/api/2.0/fo/compliance/policy/policy_list_output.dtd">
<POLICY_LIST_OUTPUT>
  <RESPONSE>
    <DATETIME>${nowIso}</DATETIME>
${body}  </RESPONSE>
</POLICY_LIST_OUTPUT>
`;
}
