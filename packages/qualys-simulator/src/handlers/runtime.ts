import { createEstate } from '../estate/create-estate.ts';
import { isoSeconds } from '../estate/dates.ts';
import type { Estate } from '../estate/types.ts';
import {
  defaultReportSpecs,
  firstReportId,
  type ReportDefaults,
  resolveReportSpec,
} from '../report/report-spec.ts';
import { cutStream, onStreamDone } from '../shared/body-streams.ts';
import { FaultController } from '../shared/fault-controller.ts';
import { TokenAuthority } from '../shared/jwt.ts';
import { RateWindow } from '../shared/rate-window.ts';
import { type SimpleReturnBody, simpleReturnXml, waitText } from '../shared/simple-return.ts';
import type {
  FaultEndpoint,
  FaultKind,
  FaultRule,
  RateLimit,
  SimReport,
  SimulatorOptions,
  SimulatorState,
  SimulatorStats,
} from '../simulator-types.ts';

export type EndpointName = Exclude<FaultEndpoint, '*'>;

export interface ResolvedSimulatorOptions {
  credentials: { username: string; password: string };
  tokenTtlMs: number;
  modulesAllowed: string[];
  pcrsRateLimit: RateLimit | false;
  pcrsRateLimitHeaders: boolean;
  classicRateLimit: (RateLimit & { concurrency: number }) | false;
  maxHostIdsPerPostureCall: number;
  gzipContentEncodingHeader: boolean;
  reportLaunchDelayMs: number;
  maxRunningReports: number;
  latencyMs: number;
  platformHost: string;
}

export const defaultCredentials = { username: 'posturesync_demo', password: 'demo-password' } as const;
const requestLogCap = 1000;

function isEstate(value: SimulatorOptions['estate']): value is Estate {
  return (
    typeof value === 'object' && value !== null && typeof (value as Estate).postureRecords === 'function'
  );
}

function emptyStats(): SimulatorStats {
  return {
    requests: {},
    total: 0,
    rateLimited429: 0,
    conflicts409: 0,
    authCalls: 0,
    postureRecordsServed: 0,
    maxConcurrent: 0,
    requestLog: [],
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Everything the handlers share: options, estate, tokens, sessions, limits, faults and counters. */
export class SimulatorRuntime {
  readonly options: ResolvedSimulatorOptions;
  readonly estate: Estate;
  readonly tokens = new TokenAuthority();
  readonly sessions = new Set<string>();
  readonly faults: FaultController;
  readonly pcrsWindows = new Map<string, RateWindow>();
  readonly classicWindow: RateWindow | undefined;
  readonly reports: SimReport[];
  readonly reportDefaults: Required<ReportDefaults>;
  readonly extraCompliancePolicies: ReadonlyArray<{ id: string; title: string }>;
  readonly now: () => number;
  stats: SimulatorStats = emptyStats();
  classicRunning = 0;
  inFlight = 0;
  readonly state: SimulatorState;

  constructor(input: SimulatorOptions = {}) {
    this.estate = isEstate(input.estate) ? input.estate : createEstate(input.estate ?? {});
    this.now = input.now ?? Date.now;
    this.options = {
      credentials: input.credentials ?? { ...defaultCredentials },
      tokenTtlMs: input.tokenTtlMs ?? 4 * 3_600_000,
      modulesAllowed: input.modulesAllowed ?? ['PC', 'VM'],
      pcrsRateLimit: input.pcrsRateLimit ?? { requests: 25, perMs: 60_000 },
      pcrsRateLimitHeaders: input.pcrsRateLimitHeaders ?? false,
      classicRateLimit: input.classicRateLimit ?? { requests: 300, perMs: 3_600_000, concurrency: 2 },
      maxHostIdsPerPostureCall: input.maxHostIdsPerPostureCall ?? 5000,
      gzipContentEncodingHeader: input.gzipContentEncodingHeader ?? false,
      reportLaunchDelayMs: input.reportLaunchDelayMs ?? 2000,
      maxRunningReports: input.maxRunningReports ?? 5,
      latencyMs: input.latencyMs ?? 0,
      platformHost: input.platformHost ?? 'qualysapi.qualys.com',
    };
    this.faults = new FaultController(input.faults ?? []);
    const classic = this.options.classicRateLimit;
    this.classicWindow = classic ? new RateWindow(classic.requests, classic.perMs) : undefined;
    const specs = input.reports ?? defaultReportSpecs(this.estate);
    this.reportDefaults = {
      layout: input.reportLayout ?? 'real',
      userTimeZone: input.reportTimeZone ?? 'sydney',
    };
    this.extraCompliancePolicies = input.extraCompliancePolicies ?? [];
    this.reports = specs.map((spec, index) =>
      resolveReportSpec(spec, this.estate, firstReportId + index, this.reportDefaults),
    );
    const runtime = this;
    this.state = {
      estate: this.estate,
      get stats() {
        return runtime.stats;
      },
      setFaults: (rules: FaultRule[]) => this.faults.set(rules),
      expireAllTokens: () => this.expireAllTokens(),
      reports: this.reports,
      resetStats: () => {
        this.stats = emptyStats();
      },
      resetRateLimits: () => {
        for (const window of this.pcrsWindows.values()) window.reset();
        this.classicWindow?.reset();
      },
    };
  }

  expireAllTokens(): void {
    this.tokens.expireAll();
    this.sessions.clear();
  }

  pcrsWindow(endpoint: string): RateWindow | undefined {
    const limit = this.options.pcrsRateLimit;
    if (!limit) return undefined;
    let window = this.pcrsWindows.get(endpoint);
    if (!window) {
      window = new RateWindow(limit.requests, limit.perMs);
      this.pcrsWindows.set(endpoint, window);
    }
    return window;
  }

  simpleReturn(status: number, body: SimpleReturnBody, headers: Record<string, string> = {}): Response {
    return new Response(simpleReturnXml(body, this.now(), this.options.platformHost), {
      status,
      headers: { 'Content-Type': 'text/xml;charset=UTF-8', ...headers },
    });
  }

  /**
   * Wraps one call: counting, latency, fault selection, the handler, body-level faults
   * and bookkeeping when the body has been fully sent.
   */
  async instrument(
    endpoint: EndpointName,
    family: 'pcrs' | 'classic',
    run: (fault: FaultKind | undefined) => Promise<Response>,
  ): Promise<Response> {
    const stats = this.stats;
    stats.total++;
    stats.requests[endpoint] = (stats.requests[endpoint] ?? 0) + 1;
    if (endpoint === 'auth') stats.authCalls++;
    this.inFlight++;
    stats.maxConcurrent = Math.max(stats.maxConcurrent, this.inFlight);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.inFlight--;
    };
    try {
      if (this.options.latencyMs > 0) await sleep(this.options.latencyMs);
      const fault = this.faults.take(endpoint);
      if (fault?.kind === 'slow') await sleep(fault.delayMs ?? 2000);
      if (fault?.kind === 'expireToken') this.expireAllTokens();
      let response = this.faultResponse(fault, family) ?? (await run(fault?.kind));
      response = await this.applyBodyFault(response, fault, endpoint);
      this.record(endpoint, response.status);
      if (!response.body) {
        release();
        return response;
      }
      return new Response(onStreamDone(response.body, release), {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    } catch (error) {
      release();
      throw error;
    }
  }

  record(endpoint: string, status: number): void {
    const stats = this.stats;
    if (status === 429) stats.rateLimited429++;
    if (status === 409) stats.conflicts409++;
    stats.requestLog.push({ endpoint, at: this.now(), status });
    if (stats.requestLog.length > requestLogCap)
      stats.requestLog.splice(0, stats.requestLog.length - requestLogCap);
  }

  private faultResponse(fault: FaultRule | undefined, family: 'pcrs' | 'classic'): Response | undefined {
    if (!fault) return undefined;
    const json = (status: number, body: unknown) =>
      new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
    switch (fault.kind) {
      case 'status500':
      case 'status502':
      case 'status503': {
        const status = Number(fault.kind.slice(6));
        const error =
          status === 500 ? 'Internal Server Error' : status === 502 ? 'Bad Gateway' : 'Service Unavailable';
        if (family === 'pcrs') return json(status, { status, error, message: `Simulated ${status}` });
        if (status === 500)
          return this.simpleReturn(500, {
            code: 999,
            text: 'Internal error. Please contact customer support.',
          });
        return new Response(`<html><body><h1>${status} ${error}</h1></body></html>`, {
          status,
          headers: { 'Content-Type': 'text/html' },
        });
      }
      case 'status429':
        return json(429, {
          status: 429,
          error: 'Too Many Requests',
          message: 'API rate limit exceeded (simulated).',
        });
      // The classic API's limit headers describe the classic API only: a PCRS answer never
      // carries them (a client would otherwise learn the classic 300-per-hour limit for PCRS).
      case 'status409Concurrency':
        return withoutClassicHeaders(this.concurrencyConflict(), family);
      case 'status409RateLimit':
        return withoutClassicHeaders(this.rateConflict(60), family);
      case 'errorBody200':
        if (family === 'pcrs') {
          return json(200, [
            {
              response: {
                datetime: isoSeconds(this.now()),
                code: 999,
                text: 'Internal error. Please retry the request.',
              },
            },
          ]);
        }
        return this.simpleReturn(200, {
          code: 999,
          text: 'Internal error. Please contact customer support.',
        });
      default:
        return undefined;
    }
  }

  private async applyBodyFault(
    response: Response,
    fault: FaultRule | undefined,
    endpoint: EndpointName,
  ): Promise<Response> {
    if (!fault) return response;
    const rebuild = (body: ReadableStream<Uint8Array> | string | null) =>
      new Response(body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    if ((fault.kind === 'resetMidBody' || fault.kind === 'truncatedGzip') && response.body) {
      return rebuild(cutStream(response.body, fault.kind === 'resetMidBody' ? 'reset' : 'truncate'));
    }
    const streamsItsOwn = endpoint === 'postureInfo' || endpoint === 'reportFetch';
    if (
      (fault.kind === 'malformedJson' || fault.kind === 'malformedXml') &&
      !streamsItsOwn &&
      response.body
    ) {
      const text = await response.text();
      const garbage = fault.kind === 'malformedJson' ? '{"broken": ,' : '<BROKEN><';
      return rebuild(text.slice(0, Math.floor(text.length * 0.6)) + garbage);
    }
    return response;
  }

  classicLimitHeaders(): Record<string, string> {
    const limit = this.options.classicRateLimit;
    const window = this.classicWindow;
    if (!limit || !window) return {};
    const now = this.now();
    return {
      'X-RateLimit-Limit': String(limit.requests),
      'X-RateLimit-Window-Sec': String(Math.round(limit.perMs / 1000)),
      'X-RateLimit-Remaining': String(window.remaining(now)),
      'X-RateLimit-ToWait-Sec': String(window.secondsToWait(now)),
      'X-Concurrency-Limit-Limit': String(limit.concurrency),
      'X-Concurrency-Limit-Running': String(this.classicRunning),
    };
  }

  concurrencyConflict(): Response {
    const limit = this.options.classicRateLimit;
    const running = Math.max(1, this.classicRunning);
    return this.simpleReturn(
      409,
      {
        code: 1960,
        text: `This API cannot be run again until ${running} currently running API instance has finished.`,
        items: [['CALLS_TO_FINISH', running]],
      },
      {
        ...this.classicLimitHeaders(),
        'X-Concurrency-Limit-Limit': String(limit ? limit.concurrency : 2),
        'X-Concurrency-Limit-Running': String(Math.max(this.classicRunning, limit ? limit.concurrency : 2)),
      },
    );
  }

  rateConflict(seconds: number): Response {
    const limit = this.options.classicRateLimit;
    return this.simpleReturn(
      409,
      {
        code: 1965,
        text: `This API cannot be run again for another ${waitText(seconds)}.`,
        items: [['SECONDS_TO_WAIT', seconds]],
      },
      {
        ...this.classicLimitHeaders(),
        'X-RateLimit-Limit': String(limit ? limit.requests : 300),
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-ToWait-Sec': String(seconds),
      },
    );
  }
}

const classicHeaderPattern = /^x-(ratelimit|concurrency-limit)-/i;

function withoutClassicHeaders(response: Response, family: 'pcrs' | 'classic'): Response {
  if (family === 'classic') return response;
  for (const name of [...response.headers.keys()]) {
    if (classicHeaderPattern.test(name)) response.headers.delete(name);
  }
  return response;
}
