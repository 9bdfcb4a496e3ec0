import type { FaultEndpoint, FaultRule } from '../simulator-types.ts';

interface ArmedRule {
  rule: FaultRule;
  seen: number;
  applied: number;
}

/** Decides, call by call, which fault (if any) an endpoint gets. Each rule counts its own matching calls. */
export class FaultController {
  #rules: ArmedRule[] = [];

  constructor(rules: readonly FaultRule[] = []) {
    this.set(rules);
  }

  set(rules: readonly FaultRule[]): void {
    this.#rules = rules.map((rule) => ({ rule: { ...rule }, seen: 0, applied: 0 }));
  }

  take(endpoint: Exclude<FaultEndpoint, '*'>): FaultRule | undefined {
    let chosen: FaultRule | undefined;
    for (const armed of this.#rules) {
      if (armed.rule.endpoint !== endpoint && armed.rule.endpoint !== '*') continue;
      armed.seen++;
      if (chosen) continue;
      if (armed.seen <= (armed.rule.afterCalls ?? 0)) continue;
      if (armed.applied >= (armed.rule.times ?? 1)) continue;
      armed.applied++;
      chosen = armed.rule;
    }
    return chosen;
  }
}

/** Ready-made fault sets for the command line (`--faults <profile>`). */
export const faultProfiles: Readonly<Record<string, FaultRule[]>> = {
  none: [],
  /** Transient trouble a well-behaved client rides out with retries. */
  flaky: [
    { endpoint: 'postureInfo', kind: 'status503', times: 2 },
    { endpoint: 'postureInfo', kind: 'resetMidBody', afterCalls: 3, times: 1 },
    { endpoint: 'hostids', kind: 'status502', times: 1 },
    { endpoint: 'reportFetch', kind: 'resetMidBody', times: 1 },
    { endpoint: 'reportList', kind: 'status409Concurrency', times: 1 },
  ],
  /** Throttling on both APIs. */
  throttled: [
    { endpoint: 'postureInfo', kind: 'status429', times: 2 },
    { endpoint: 'reportList', kind: 'status409RateLimit', times: 1 },
  ],
  /** Token expiry in the middle of a PCRS sync. */
  'token-expiry': [{ endpoint: 'postureInfo', kind: 'expireToken', afterCalls: 1, times: 1 }],
  /** Data a client must reject or quarantine. */
  corrupt: [
    { endpoint: 'postureInfo', kind: 'malformedRecord', times: 1 },
    { endpoint: 'postureInfo', kind: 'truncatedGzip', afterCalls: 1, times: 1 },
    { endpoint: 'reportFetch', kind: 'malformedRecord', times: 1 },
  ],
};
