import type { Readable } from 'node:stream';
import { BadResponseError, childText, descendantElements, parseSmallXml } from '@posturesync/core';
import { parseSimpleReturn } from '@posturesync/qualys-common';
import { type ClassicApi, errorFromSimpleReturn } from './classic-api.ts';

/** The classic compliance policy list (spec/policy-report-csv-real.md §2). */
export const compliancePolicyPath = '/api/2.0/fo/compliance/policy/';

/**
 * Largest policy list read, in bytes. `details=Basic` adds asset-group and tag details to each
 * policy, a few KiB at most; 32 MiB is thousands of policies and keeps the parsed tree small.
 */
export const maxPolicyListBytes = 32 * 1024 * 1024;

export interface PolicyListEntry {
  id: string;
  title: string;
}

const label = 'Qualys compliance policy list';

/** Reads a response body as UTF-8 text, refusing it once it passes `maxBytes`. */
async function readCapped(body: Readable, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of body) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    length += buffer.length;
    if (length > maxBytes) {
      body.destroy();
      throw new BadResponseError(
        `${label}: the answer is larger than ${maxBytes} bytes, far more than a policy list; refusing to read it. Set policyId in the connector configuration to skip the lookup.`,
        { details: { call: label, maxBytes } },
      );
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Reads the `ID` and `TITLE` of every `POLICY` element, wherever it sits: the root is believed
 * to be `POLICY_LIST_OUTPUT` (`RESPONSE/POLICY_LIST/POLICY`) but that is not confirmed, so any
 * root is accepted. A SIMPLE_RETURN error becomes the matching typed error.
 */
export function parsePolicyList(xml: string, status = 200): PolicyListEntry[] {
  const parsed = parseSmallXml(xml, { maxLength: maxPolicyListBytes });
  if (!parsed.ok) {
    throw new BadResponseError(
      `${label}: Qualys sent a document that cannot be read (${parsed.reason}). Try again, or set policyId in the connector configuration to skip the lookup.`,
      { details: { call: label, status, bodyExcerpt: xml.slice(0, 300) } },
    );
  }
  if (parsed.root.name === 'SIMPLE_RETURN') {
    const simpleReturn = parseSimpleReturn(xml);
    if (simpleReturn?.code) throw errorFromSimpleReturn(label, status, simpleReturn);
  }
  const entries: PolicyListEntry[] = [];
  for (const policy of descendantElements(parsed.root, 'POLICY')) {
    const id = childText(policy, 'ID');
    if (!id) continue;
    entries.push({ id, title: childText(policy, 'TITLE') ?? '' });
  }
  return entries;
}

/** `action=list&details=Basic`, through the connector's client: same session, limits and retries. */
export async function fetchPolicyList(api: ClassicApi, signal?: AbortSignal): Promise<PolicyListEntry[]> {
  const response = await api.request({
    method: 'GET',
    path: compliancePolicyPath,
    params: { action: 'list', details: 'Basic' },
    label,
    ...(signal ? { signal } : {}),
  });
  return parsePolicyList(await readCapped(response.body, maxPolicyListBytes), response.status);
}
