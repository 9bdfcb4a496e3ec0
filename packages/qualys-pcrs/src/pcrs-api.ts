import type { HttpClient, HttpResponse } from '@posturesync/core';
import { BadResponseError } from '@posturesync/core';
import { type PcrsApiVersion, policyListVersion } from './api-version.ts';
import { describeErrorBody } from './error-body.ts';
import { idOf } from './field-values.ts';
import { errorFromQualysElement, qualysErrorElement } from './qualys-error-element.ts';

export interface PolicyList {
  subscriptionId: string | null;
  policies: unknown[];
}

export interface HostIdsEntry {
  policyId: string;
  subscriptionId: string | null;
  hostIds: string[];
  /** The per-policy `error` text (HTTP 200), e.g. "Error: Compliance Policy does not exist." */
  error: string | null;
}

const errorStatuses = [204, 400, 404] as const;

function withSignal(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal ? { signal } : {};
}

async function failOnErrorStatus(response: HttpResponse, what: string): Promise<void> {
  if (response.status === 400 || response.status === 404) {
    const text = await response.text();
    throw new BadResponseError(
      `Qualys PCRS rejected ${what} with HTTP ${response.status}: ${describeErrorBody(text)}`,
      {
        details: { status: response.status, request: what },
      },
    );
  }
}

/**
 * Issue 6: a policy list or hostids answer that arrived but is not JSON (cut, garbled). Like a
 * malformed postureInfo body it is refetched a limited number of times (see `retry-call.ts`)
 * before the sync fails with this error.
 */
export class MalformedJsonBodyError extends BadResponseError {}

async function readJson(response: HttpResponse, what: string): Promise<unknown> {
  const text = await response.text();
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new MalformedJsonBodyError(
      `Qualys PCRS answered ${what} with a body that is not JSON (${describeErrorBody(text)})`,
      { cause: error, details: { request: what } },
    );
  }
}

/** `GET /pcrs/<v>/posture/policy/list[?lastEvaluationDate=]`. */
export async function fetchPolicyList(
  client: HttpClient,
  options: { version: PcrsApiVersion; lastEvaluationDate?: string | undefined; signal?: AbortSignal },
): Promise<PolicyList> {
  const what = 'the policy list request';
  const response = await client.request({
    method: 'GET',
    path: `/pcrs/${policyListVersion(options.version)}/posture/policy/list`,
    query: { lastEvaluationDate: options.lastEvaluationDate },
    headers: { accept: 'application/json' },
    acceptStatus: errorStatuses,
    label: 'policy list',
    ...withSignal(options.signal),
  });
  if (response.status === 204) {
    await response.dump();
    return { subscriptionId: null, policies: [] };
  }
  await failOnErrorStatus(response, what);
  const body = await readJson(response, what);
  if (body === null) return { subscriptionId: null, policies: [] };
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new BadResponseError(
      `Qualys PCRS answered ${what} with JSON that is not an object with a policyList`,
    );
  }
  const { subscriptionId, policyList } = body as { subscriptionId?: unknown; policyList?: unknown };
  if (policyList !== undefined && policyList !== null && !Array.isArray(policyList)) {
    throw new BadResponseError(`Qualys PCRS answered ${what} with a policyList that is not an array`);
  }
  return { subscriptionId: idOf(subscriptionId) ?? null, policies: policyList ?? [] };
}

/** `GET /pcrs/<v>/posture/hostids?policyId=a,b,c[&lastScanDate=]` for up to 10 policies. */
export async function fetchHostIds(
  client: HttpClient,
  options: {
    version: PcrsApiVersion;
    policyIds: readonly string[];
    lastScanDate?: string | null | undefined;
    signal?: AbortSignal;
  },
): Promise<HostIdsEntry[]> {
  const what = `the hostids request for policies ${options.policyIds.join(', ')}`;
  const response = await client.request({
    method: 'GET',
    path: `/pcrs/${options.version}/posture/hostids`,
    query: { policyId: options.policyIds.join(','), lastScanDate: options.lastScanDate ?? undefined },
    headers: { accept: 'application/json' },
    acceptStatus: errorStatuses,
    label: `hostids policies ${options.policyIds.join(',')}`,
    ...withSignal(options.signal),
  });
  if (response.status === 204) {
    await response.dump();
    return [];
  }
  await failOnErrorStatus(response, what);
  const body = await readJson(response, what);
  if (body === null) return [];
  if (!Array.isArray(body)) {
    throw new BadResponseError(`Qualys PCRS answered ${what} with JSON that is not an array`);
  }
  return body.map((item: unknown) => {
    const errorElement = qualysErrorElement(item);
    if (errorElement) throw errorFromQualysElement(errorElement, what);
    const entry = (item ?? {}) as {
      policyId?: unknown;
      subscriptionId?: unknown;
      hostIds?: unknown;
      error?: unknown;
    };
    const policyId = idOf(entry.policyId);
    if (policyId === undefined) {
      throw new BadResponseError(`Qualys PCRS answered ${what} with an element that has no policyId`);
    }
    const hostIds = Array.isArray(entry.hostIds)
      ? entry.hostIds.map((hostId) => idOf(hostId)).filter((hostId): hostId is string => hostId !== undefined)
      : [];
    return {
      policyId,
      subscriptionId: idOf(entry.subscriptionId) ?? null,
      hostIds,
      error: typeof entry.error === 'string' && entry.error !== '' ? entry.error : null,
    };
  });
}

export interface PostureInfoRequest {
  version: PcrsApiVersion;
  policyId: string;
  subscriptionId: string | null;
  hostIds: readonly string[];
  evidence: boolean;
  /** For logs and errors, e.g. `postureInfo policy 123 hosts 1..1000`. */
  label: string;
  signal?: AbortSignal;
}

/**
 * `POST /pcrs/<v>/posture/postureInfo` with the hostids output shape, one policy per body
 * (what Qualys documents and its own clients send). Returns the open response, or null for 204.
 * The caller consumes the body.
 */
export async function openPostureInfo(
  client: HttpClient,
  request: PostureInfoRequest,
): Promise<HttpResponse | null> {
  const body = JSON.stringify([
    { policyId: request.policyId, subscriptionId: request.subscriptionId ?? '', hostIds: request.hostIds },
  ]);
  const response = await client.request({
    method: 'POST',
    path: `/pcrs/${request.version}/posture/postureInfo`,
    query: { evidenceRequired: request.evidence ? 1 : 0, compressionRequired: 1 },
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body,
    // Reading posture data changes nothing at Qualys: safe to send again.
    idempotent: true,
    acceptStatus: errorStatuses,
    label: request.label,
    ...withSignal(request.signal),
  });
  if (response.status === 204) {
    await response.dump();
    return null;
  }
  await failOnErrorStatus(response, request.label);
  return response;
}
