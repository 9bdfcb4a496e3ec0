import {
  AuthError,
  BadResponseError,
  type HttpClient,
  type HttpResponse,
  PermissionError,
  type PostureSyncError,
  RateLimitedError,
  readSmallBody,
} from '@posturesync/core';
import { parseSimpleReturn, type SimpleReturn } from '@posturesync/qualys-common';

/** Largest small XML document read whole (a report or policy list); error bodies get 1 MiB. */
export const maxSmallDocumentBytes = 16 * 1024 * 1024;

/** Statuses whose SIMPLE_RETURN body we turn into a typed error ourselves (the client handles 401/409/5xx). */
const handledStatuses = [400, 403, 404, 501] as const;

export interface ClassicCall {
  method: 'GET' | 'POST';
  /** e.g. `/api/2.0/fo/report/` */
  path: string;
  params: Record<string, string | number | undefined>;
  /** Short name for logs and errors, e.g. `report list`. */
  label: string;
  idempotent?: boolean;
  skipAuth?: boolean;
  skipRateLimit?: boolean;
  acceptStatus?: readonly number[];
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/**
 * Turns a Qualys SIMPLE_RETURN error into the matching typed error, keeping the Qualys code
 * and text: 2000 bad login, 2003/2011 account restrictions, 1960/1965/2014 limits.
 */
export function errorFromSimpleReturn(
  label: string,
  status: number,
  simpleReturn: SimpleReturn,
  hint = '',
): PostureSyncError {
  const code = simpleReturn.code ?? 'none';
  const text = simpleReturn.text ?? 'no text';
  const details = { qualysCode: code, qualysText: text, status, call: label };
  const said = `Qualys answered HTTP ${status}, code ${code}: "${text}"`;
  switch (code) {
    case '2000':
      return new AuthError(
        `${label}: ${said}. Check the username and the QUALYS_PASSWORD environment variable, and that the account is not locked.`,
        { details },
      );
    case '2003':
    case '2011':
      return new PermissionError(
        `${label}: ${said}. The account cannot use the API until this is resolved; ask your Qualys administrator.`,
        { details },
      );
    case '1960':
    case '1965':
    case '2014':
      return new RateLimitedError(
        `${label}: ${said}. Another client is using the subscription's API limits; try again later.`,
        { details },
      );
    default:
      return new BadResponseError(`${label}: ${said}.${hint ? ` ${hint}` : ''}`, { details });
  }
}

/**
 * The classic API v2 manners in one place: `X-Requested-With` on every call, parameters
 * form-encoded for POST (query string for GET), and SIMPLE_RETURN error bodies turned into
 * typed errors. Retries, limits and auth refresh are the HTTP client's job.
 */
export class ClassicApi {
  readonly #client: HttpClient;
  readonly #requestedWith: string;

  constructor(client: HttpClient, requestedWith: string) {
    this.#client = client;
    this.#requestedWith = requestedWith;
  }

  /** Sends the call; a non-2xx answer becomes a typed error, a 2xx body is left to the caller. */
  async request(call: ClassicCall): Promise<HttpResponse> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(call.params)) {
      if (value !== undefined) params.set(key, String(value));
    }
    const headers: Record<string, string> = { 'X-Requested-With': this.#requestedWith, ...call.headers };
    const response = await this.#client.request({
      method: call.method,
      path: call.path,
      ...(call.method === 'GET' ? { query: Object.fromEntries(params) } : {}),
      ...(call.method === 'POST'
        ? {
            body: params.toString(),
            headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' },
          }
        : { headers }),
      label: call.label,
      idempotent: call.idempotent ?? call.method === 'GET',
      acceptStatus: [...handledStatuses, ...(call.acceptStatus ?? [])],
      ...(call.skipAuth ? { skipAuth: true } : {}),
      ...(call.skipRateLimit ? { skipRateLimit: true } : {}),
      ...(call.signal ? { signal: call.signal } : {}),
    });
    if (response.status >= 200 && response.status < 300) return response;
    if (call.acceptStatus?.includes(response.status)) return response;
    const body = await readSmallBody(response, call.label);
    const simpleReturn = parseSimpleReturn(body);
    if (simpleReturn) throw errorFromSimpleReturn(call.label, response.status, simpleReturn);
    if (response.status === 403) {
      throw new PermissionError(
        `${call.label}: Qualys answered HTTP 403. The account lacks API access or the Policy Compliance module; ask your Qualys administrator.`,
        { details: { status: 403, call: call.label } },
      );
    }
    throw new BadResponseError(
      `${call.label}: Qualys answered HTTP ${response.status} with a body that is not a Qualys error message.`,
      { details: { status: response.status, call: call.label, bodyExcerpt: body.slice(0, 300) } },
    );
  }

  /** Sends the call and returns a small XML body, raising a SIMPLE_RETURN error even under HTTP 200. */
  async text(call: ClassicCall, expectedRoot: string): Promise<string> {
    const response = await this.request(call);
    const body = await readSmallBody(response, call.label, maxSmallDocumentBytes);
    if (!body.includes(`<${expectedRoot}`)) {
      const simpleReturn = parseSimpleReturn(body);
      if (simpleReturn?.code) throw errorFromSimpleReturn(call.label, response.status, simpleReturn);
      if (simpleReturn) return body;
      throw new BadResponseError(
        `${call.label}: expected a ${expectedRoot} XML document from Qualys but got something else. Check that apiUrl points at the Qualys API server (qualysapi...), not the web UI.`,
        { details: { status: response.status, call: call.label, bodyExcerpt: body.slice(0, 300) } },
      );
    }
    return body;
  }
}
