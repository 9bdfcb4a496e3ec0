import { http, type RequestHandler } from 'msw';
import { parseApiDate } from '../estate/dates.ts';
import type { PostureRecord, ResultFilter } from '../estate/types.ts';
import { gzipStream, iterableToStream } from '../shared/body-streams.ts';
import type { FaultKind } from '../simulator-types.ts';
import type { EndpointName, SimulatorRuntime } from './runtime.ts';

const jsonHeaders = { 'Content-Type': 'application/json' };
const maxPoliciesPerHostIdsCall = 10;

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...jsonHeaders, ...headers } });
}

function apiDatetime(nowMs: number): string {
  return new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The PCRS error envelope of wire spec A.4 (`[{"response":{datetime, code, text}}]`). */
function pcrsError(runtime: SimulatorRuntime, status: number, code: number, text: string): Response {
  return json(status, [{ response: { datetime: apiDatetime(runtime.now()), code, text } }]);
}

function invalidValue(
  runtime: SimulatorRuntime,
  parameter: string,
  value: string,
  reason?: string,
): Response {
  return pcrsError(
    runtime,
    400,
    1905,
    `parameter ${parameter} has invalid value: ${value} (${reason ?? `Invalid value: ${value}`})`,
  );
}

/** Bearer check, module check and per-endpoint rate limit; undefined when the call may proceed. */
function guard(runtime: SimulatorRuntime, request: Request, endpoint: EndpointName): Response | undefined {
  const header = request.headers.get('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  const check = match?.[1]
    ? runtime.tokens.check(match[1], runtime.now())
    : ({ ok: false, reason: 'invalid' } as const);
  if (!check.ok) {
    return json(401, {
      status: 401,
      error: 'Unauthorized',
      message: check.reason === 'expired' ? 'JWT expired' : 'Not authenticated',
    });
  }
  if (!check.modulesAllowed.includes('PC')) {
    return json(403, {
      status: 403,
      error: 'Forbidden',
      message: 'Access denied: the subscription or user does not have the Policy Compliance (PC) module.',
    });
  }
  const window = runtime.pcrsWindow(endpoint);
  if (window) {
    const now = runtime.now();
    const allowed = window.tryTake(now);
    const headers: Record<string, string> = runtime.options.pcrsRateLimitHeaders
      ? {
          'X-RateLimit-Limit': String(window.limit),
          'X-RateLimit-Window-Sec': String(Math.round(window.windowMs / 1000)),
          'X-RateLimit-Remaining': String(window.remaining(now)),
          ...(allowed ? {} : { 'Retry-After': String(window.secondsToWait(now)) }),
        }
      : {};
    if (!allowed) {
      return json(
        429,
        { status: 429, error: 'Too Many Requests', message: 'API rate limit exceeded. Try again later.' },
        headers,
      );
    }
    rateHeaders.set(request, headers);
  }
  return undefined;
}

const rateHeaders = new WeakMap<Request, Record<string, string>>();

function withRateHeaders(request: Request, response: Response): Response {
  const headers = rateHeaders.get(request);
  if (headers) for (const [key, value] of Object.entries(headers)) response.headers.set(key, value);
  return response;
}

function validVersion(version: unknown): boolean {
  return typeof version === 'string' && /^[1-5]\.0$/.test(version);
}

const notFound = () => json(404, { status: 404, error: 'Not Found', message: 'No such API version.' });

function parseDateParameter(
  runtime: SimulatorRuntime,
  url: URL,
  name: string,
): { date?: Date; error?: Response } {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return {};
  const date = parseApiDate(raw);
  return date
    ? { date }
    : { error: invalidValue(runtime, name, raw, 'expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ') };
}

interface PostureBodyElement {
  policyId: string;
  hostIds: string[];
}

function parsePostureBody(body: unknown): PostureBodyElement[] | undefined {
  if (!Array.isArray(body)) return undefined;
  const elements: PostureBodyElement[] = [];
  for (const item of body) {
    if (typeof item !== 'object' || item === null) return undefined;
    const { policyId, hostIds } = item as { policyId?: unknown; hostIds?: unknown };
    if (typeof policyId !== 'string' && typeof policyId !== 'number') return undefined;
    if (!Array.isArray(hostIds) || !hostIds.every((id) => typeof id === 'string' || typeof id === 'number')) {
      return undefined;
    }
    elements.push({ policyId: String(policyId), hostIds: hostIds.map(String) });
  }
  return elements;
}

/** Levels of nesting of the `deepRecord` fault: far past what JSON.stringify can recurse. */
const deepRecordLevels = 5000;

function recordJson(record: PostureRecord, malformed: boolean, deep = false): string {
  if (deep) {
    // Written as text: building it as an object and stringifying it would overflow our own stack.
    const nested = `${'{"a":'.repeat(deepRecordLevels)}1${'}'.repeat(deepRecordLevels)}`;
    return `${JSON.stringify(record).slice(0, -1)},"extendedEvidence":${nested}}`;
  }
  if (!malformed) return JSON.stringify(record);
  return JSON.stringify({ ...record, controlId: 'abc', lastEvaluatedDate: '2024-13-45T99:99:99Z' });
}

export function pcrsHandlers(runtime: SimulatorRuntime): RequestHandler[] {
  const { estate } = runtime;

  const auth = http.post('*/auth', ({ request }) =>
    runtime.instrument('auth', 'pcrs', async (fault) => {
      const form = new URLSearchParams(await request.text());
      const { username, password } = runtime.options.credentials;
      if (form.get('username') !== username || form.get('password') !== password) {
        return json(401, {
          authentication_exceptions: [
            [
              'Authentication Failure: 1 errors, 0 successes:authenticationFailure.InvalidCredentialsException',
            ],
          ],
        });
      }
      const token = runtime.tokens.issue(
        username,
        runtime.options.modulesAllowed,
        runtime.now(),
        runtime.options.tokenTtlMs,
      );
      const body = fault === 'malformedJson' ? token.slice(0, Math.floor(token.length / 2)) : token;
      return new Response(body, { status: 201, headers: { 'Content-Type': 'text/plain;charset=UTF-8' } });
    }),
  );

  const policyList = http.get('*/pcrs/:version/posture/policy/list', ({ request, params }) =>
    runtime.instrument('policyList', 'pcrs', async () => {
      if (!validVersion(params.version)) return notFound();
      const denied = guard(runtime, request, 'policyList');
      if (denied) return denied;
      const url = new URL(request.url);
      const since = parseDateParameter(runtime, url, 'lastEvaluationDate');
      if (since.error) return since.error;
      const policyListBody = estate
        .policies()
        .filter((policy) => !since.date || Date.parse(policy.lastEvaluatedDate) >= since.date.getTime())
        .map((policy) => ({
          id: Number(policy.id),
          title: policy.title,
          createdBy: policy.createdBy,
          createdDate: policy.createdDate,
          modifiedBy: policy.modifiedBy,
          modifiedDate: policy.modifiedDate,
          lastEvaluatedDate: policy.lastEvaluatedDate,
          status: policy.status,
          locked: policy.locked,
        }));
      return withRateHeaders(
        request,
        json(200, { subscriptionId: Number(estate.subscriptionId), policyList: policyListBody }),
      );
    }),
  );

  const hostIds = http.get('*/pcrs/:version/posture/hostids', ({ request, params }) =>
    runtime.instrument('hostids', 'pcrs', async () => {
      if (!validVersion(params.version)) return notFound();
      const denied = guard(runtime, request, 'hostids');
      if (denied) return denied;
      const url = new URL(request.url);
      const raw = url.searchParams.get('policyId');
      if (raw === null || raw.trim() === '') {
        return pcrsError(runtime, 400, 1903, 'Missing required parameter(s): policyId');
      }
      const ids = raw.split(',').map((id) => id.trim());
      const invalid = ids.find((id) => !/^\d+$/.test(id));
      if (invalid !== undefined) return invalidValue(runtime, 'policy_ids', invalid);
      if (ids.length > maxPoliciesPerHostIdsCall) {
        return invalidValue(
          runtime,
          'policy_ids',
          raw,
          `a maximum of ${maxPoliciesPerHostIdsCall} policies is allowed per request`,
        );
      }
      const since = parseDateParameter(runtime, url, 'lastScanDate');
      if (since.error) return since.error;
      const body = ids.map((policyId) => {
        if (!estate.policy(policyId)) {
          return {
            policyId,
            subscriptionId: estate.subscriptionId,
            hostIds: [],
            error: 'Error: Compliance Policy does not exist.',
          };
        }
        const hostOptions = since.date ? { lastScanDate: since.date } : {};
        return {
          policyId,
          subscriptionId: estate.subscriptionId,
          hostIds: estate.hostIdsForPolicy(policyId, hostOptions),
        };
      });
      return withRateHeaders(request, json(200, body));
    }),
  );

  const postureInfo = http.post('*/pcrs/:version/posture/postureInfo', ({ request, params }) =>
    runtime.instrument('postureInfo', 'pcrs', async (fault) => {
      if (!validVersion(params.version)) return notFound();
      const denied = guard(runtime, request, 'postureInfo');
      if (denied) return denied;
      const url = new URL(request.url);
      const evidenceParameter = url.searchParams.get('evidenceRequired') ?? '0';
      const compressionParameter = url.searchParams.get('compressionRequired') ?? '1';
      if (!['0', '1'].includes(evidenceParameter) || !['0', '1'].includes(compressionParameter)) {
        return json(404, { message: 'Invalid input Parameter.' });
      }
      const filter: ResultFilter = {};
      for (const name of [
        'lastEvaluationDate',
        'lastScanDate',
        'lastScanDateFrom',
        'lastScanDateTo',
        'statusChangedSince',
      ] as const) {
        const parsed = parseDateParameter(runtime, url, name);
        if (parsed.error) return parsed.error;
        if (parsed.date) filter[name] = parsed.date;
      }
      if ((filter.lastScanDateFrom === undefined) !== (filter.lastScanDateTo === undefined)) {
        return pcrsError(
          runtime,
          400,
          1903,
          'Missing required parameter(s): lastScanDateFrom and lastScanDateTo go together',
        );
      }
      if (filter.lastScanDate && filter.lastScanDateFrom) {
        return pcrsError(
          runtime,
          400,
          1904,
          'Please specify only one of these parameters: lastScanDate, lastScanDateFrom/lastScanDateTo',
        );
      }
      let parsedBody: unknown;
      try {
        parsedBody = JSON.parse(await request.text());
      } catch {
        return invalidValue(
          runtime,
          'body',
          '(not JSON)',
          'the body must be the array output of Resolve Host IDs',
        );
      }
      const elements = parsePostureBody(parsedBody);
      if (!elements) {
        return invalidValue(
          runtime,
          'body',
          '(wrong shape)',
          'expected [{"policyId": "...", "hostIds": ["..."]}]',
        );
      }
      const hostCount = elements.reduce((sum, element) => sum + element.hostIds.length, 0);
      if (hostCount > runtime.options.maxHostIdsPerPostureCall) {
        return invalidValue(
          runtime,
          'hostIds',
          `${hostCount} host ids`,
          `a maximum of ${runtime.options.maxHostIdsPerPostureCall} host ids is allowed per request`,
        );
      }
      const evidence = evidenceParameter === '1';
      const records = (function* () {
        for (const element of elements)
          yield* estate.postureRecords(element.policyId, element.hostIds, { evidence, filter });
      })();
      const first = records.next();
      if (first.done) return withRateHeaders(request, new Response(null, { status: 204 }));
      const stats = () => runtime.stats;
      const chunks = (function* (injected: FaultKind | undefined) {
        let buffer = '[';
        let index = 0;
        let pending: IteratorResult<PostureRecord> = first;
        while (!pending.done) {
          const malformed = injected === 'malformedRecord' && index === 0;
          const deep = injected === 'deepRecord' && index === 0;
          buffer += (index === 0 ? '' : ',') + recordJson(pending.value, malformed, deep);
          stats().postureRecordsServed++;
          if (index === 0 && injected === 'malformedJson') buffer += ',{"id": 1, "status": Passed,,}';
          index++;
          if (buffer.length >= 32_768) {
            yield buffer;
            buffer = '';
          }
          pending = records.next();
        }
        yield `${buffer}]`;
      })(fault);
      let body = iterableToStream(chunks);
      const headers: Record<string, string> = { ...jsonHeaders };
      if (compressionParameter === '1') {
        body = gzipStream(body);
        if (runtime.options.gzipContentEncodingHeader) headers['Content-Encoding'] = 'gzip';
      }
      return withRateHeaders(request, new Response(body, { status: 200, headers }));
    }),
  );

  return [auth, policyList, hostIds, postureInfo];
}
