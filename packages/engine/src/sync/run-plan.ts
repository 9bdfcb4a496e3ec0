import type { CompletedScope, ConnectorState, Logger } from '@posturesync/core';
import type { Store } from '../store/store.ts';
import type { DeferredScope, SyncState, TaintedPolicies } from '../store/types.ts';
import type { SyncMode } from './sync-events.ts';

export function scopeKey(scope: CompletedScope): string {
  return JSON.stringify([scope.policyUid, scope.hostUids ?? null, scope.network ?? null]);
}

export function mergeScopes(current: CompletedScope[], added: readonly CompletedScope[]): CompletedScope[] {
  if (added.length === 0) return current;
  const seen = new Set(current.map(scopeKey));
  const merged = [...current];
  for (const scope of added) {
    const key = scopeKey(scope);
    if (seen.has(key)) continue;
    seen.add(key);
    merged.push(scope);
  }
  return merged;
}

/** Deferred scopes kept at most; the oldest go first (a later full sync closes what they covered). */
export const maxDeferredScopes = 5000;

/**
 * A quarantined violation means its finding was not seen although the source still reports it:
 * closing its policy's scope from this generation would wrongly close it. Its policy is tainted;
 * one that cannot be tied to a policy taints them all.
 */
export function taintFrom(tainted: TaintedPolicies, quarantine: readonly { entity: string; raw: unknown }[]) {
  for (const entry of quarantine) {
    if (entry.entity !== 'violations') continue;
    const policyUid = (entry.raw as { policyUid?: unknown } | null)?.policyUid;
    if (typeof policyUid === 'string' && !tainted.all) {
      if (!tainted.policies.includes(policyUid)) tainted.policies.push(policyUid);
    } else {
      tainted.all = true;
    }
  }
}

/** The complete scopes a partial generation may still close later, against its own generation. */
export function deferScopes(
  deferred: readonly DeferredScope[],
  scopes: readonly CompletedScope[],
  tainted: TaintedPolicies,
  generation: number,
): DeferredScope[] {
  if (tainted.all) return [...deferred];
  // A newer entry for the same scope closes everything the older one would (its generation is
  // higher), so one entry per scope is kept and repeated partial runs do not pile up copies.
  const byScope = new Map(deferred.map((entry) => [scopeKey(entry.scope), entry]));
  for (const scope of scopes) {
    if (tainted.policies.includes(scope.policyUid)) continue;
    const key = scopeKey(scope);
    byScope.delete(key);
    byScope.set(key, { generation, scope });
  }
  return [...byScope.values()].slice(-maxDeferredScopes);
}

/** A run with a stored state that is neither resumed nor full is incremental: the connector reads from its checkpoint. */
export function syncMode(plan: Plan, resumed: boolean): SyncMode {
  if (resumed) return 'resumed';
  if (plan.full) return 'full';
  return plan.state === null ? 'first' : 'incremental';
}

export interface Plan {
  generation: number | null;
  resumedFromRunId: number | null;
  full: boolean;
  state: ConnectorState | null;
  pendingScopes: CompletedScope[];
  generationWarnings: number;
  tainted: TaintedPolicies;
  /** Carried across generations until a clean one closes them. */
  deferredScopes: DeferredScope[];
  /** Write a fresh state at start so an older interrupted generation is not resumed later. */
  supersede: boolean;
}

/**
 * Decides resume versus new generation. A generation left in progress is resumed unless
 * `--full` was asked for or the config changed since (then its checkpoint may describe other
 * data, so the new generation refetches everything).
 */
export async function planRun(
  store: Store,
  previous: SyncState | null,
  fingerprint: string,
  full: boolean,
  logger: Logger,
): Promise<Plan> {
  const fresh: Plan = {
    generation: null,
    resumedFromRunId: null,
    full,
    state: previous?.connector ?? null,
    pendingScopes: [],
    generationWarnings: 0,
    tainted: { all: false, policies: [] },
    deferredScopes: [...(previous?.deferredScopes ?? [])],
    supersede: false,
  };
  if (!previous?.inProgress) return fresh;
  if (full) return { ...fresh, supersede: true };
  const interrupted = previous.runId === null ? null : await store.getRun(previous.runId);
  if (interrupted && interrupted.configFingerprint !== fingerprint) {
    logger.warn(
      `run ${interrupted.id} was interrupted, but the config changed since; starting over with a full sync instead of resuming`,
      { interruptedRunId: interrupted.id },
    );
    return { ...fresh, full: true, supersede: true };
  }
  return {
    generation: previous.generation,
    resumedFromRunId: previous.runId,
    full: false,
    state: previous.connector,
    pendingScopes: [...previous.pendingScopes],
    generationWarnings: previous.warningCount,
    tainted: {
      all: previous.tainted?.all ?? false,
      policies: [...(previous.tainted?.policies ?? [])],
    },
    deferredScopes: fresh.deferredScopes,
    supersede: false,
  };
}

/**
 * What a clean generation closes: its own complete scopes, and the complete scopes of earlier
 * partial generations, each against the generation that completed it (so a finding seen since
 * then stays open).
 */
export function scopesToClose(
  plan: Plan,
  pendingScopes: readonly CompletedScope[],
  generation: number,
): Array<{ generation: number; scopes: readonly CompletedScope[] }> {
  return [
    { generation, scopes: pendingScopes },
    ...plan.deferredScopes.map((deferred) => ({ generation: deferred.generation, scopes: [deferred.scope] })),
  ];
}
