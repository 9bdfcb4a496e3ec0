import type { Connector, ConnectorDefinition, Logger, SecretRedactor } from '@posturesync/core';
import {
  CancelledError,
  createMetrics,
  errorCodes,
  type HttpClientMetrics,
  isPostureSyncError,
  truncateEcho,
} from '@posturesync/core';
import type { Store } from '../store/store.ts';
import type { RecordCounts, RunProgress, SyncState } from '../store/types.ts';
import { isCancellation } from './cancellation.ts';
import { configFingerprint, registerConfigSecrets } from './config-fingerprint.ts';
import { connectorContext } from './connector-context.ts';
import { ProgressTracker } from './progress-tracker.ts';
import {
  deferScopes,
  mergeScopes,
  type Plan,
  planRun,
  scopesToClose,
  syncMode,
  taintFrom,
} from './run-plan.ts';
import type { SyncEvent, SyncEventHandler, SyncRunSummary } from './sync-events.ts';
import { validateBatch } from './validate-batch.ts';

/** Warnings and run errors echo source text; keep them readable (issue 13). */
const maxWarningLength = 1000;
const maxErrorMessageLength = 2000;

export interface RunSyncOptions<TConfig = unknown> {
  store: Store;
  definition: ConnectorDefinition<TConfig>;
  /** The connector instance name from the config file; keys all of its rows and state. */
  instance: string;
  /** The already-validated connector config (secrets filled in). */
  config: TConfig;
  /** `--full`: start a new generation and let the connector refetch everything. */
  full?: boolean;
  /** `--force`: let the connector re-import data it already imported. */
  force?: boolean;
  logger: Logger;
  redactor: SecretRedactor;
  /** Aborting stops the run after the batch being committed; the run is recorded as cancelled. */
  signal: AbortSignal;
  now?: () => Date;
  onEvent?: SyncEventHandler;
}

/** Warnings kept in full on the run row; the count stays exact. */
export const maxStoredWarnings = 100;

const unexpectedErrorCode = errorCodes.unexpected;

/**
 * Runs one sync of one connector instance into the store. Records and the checkpoint that
 * covers them commit together; the state never moves past a batch that failed; findings are
 * closed only when a whole generation finished without warnings. See store/README.md.
 */
export async function runSync<TConfig>(options: RunSyncOptions<TConfig>): Promise<SyncRunSummary> {
  const { store, definition, instance, config, redactor, signal } = options;
  const now = options.now ?? (() => new Date());
  const iso = () => now().toISOString();
  const startedClock = performance.now();
  registerConfigSecrets(redactor, config, definition.secrets);
  const logger = options.logger.child({ instance, connector: definition.id });
  const emit = (event: SyncEvent) => {
    if (!options.onEvent) return;
    try {
      options.onEvent(event);
    } catch (error) {
      logger.debug('a sync event handler threw; ignored', { error: String(error) });
    }
  };

  if (signal.aborted) {
    throw new CancelledError(`The sync of "${instance}" was cancelled before it started.`);
  }
  const fingerprint = configFingerprint(config, definition.secrets);
  const lock = await store.acquireLock({ instance, now: now() });
  try {
    if (lock.takenOverFrom) {
      const holder = lock.takenOverFrom;
      logger.warn(
        `took over a stale sync lock left by process ${holder.pid} (instance "${holder.instance}", since ${holder.startedAt}), which is no longer running`,
        { ...holder },
      );
    }
    const abandoned = await store.failAbandonedRuns(instance, iso());
    if (abandoned.length > 0) {
      logger.warn(`marked run(s) ${abandoned.join(', ')} as failed: the process running them died`, {
        runIds: abandoned,
      });
    }
    const previous = await store.getState(instance);
    const plan = await planRun(store, previous, fingerprint, options.full ?? false, logger);
    const run = await store.createRun({
      instance,
      connectorId: definition.id,
      configFingerprint: fingerprint,
      generation: plan.generation,
      resumedFromRunId: plan.resumedFromRunId,
      full: plan.full,
      startedAt: iso(),
    });
    const resumed = plan.generation !== null;
    if (resumed) {
      logger.info(`resuming run ${plan.resumedFromRunId} from its last checkpoint`, {
        runId: run.id,
        generation: run.generation,
        resumedFromRunId: plan.resumedFromRunId,
      });
    }
    if (plan.supersede) {
      await store.putState(instance, definition.id, {
        generation: run.generation,
        inProgress: true,
        runId: run.id,
        connector: plan.state,
        pendingScopes: [],
        warningCount: 0,
        deferredScopes: plan.deferredScopes,
      });
    }
    emit({
      type: 'start',
      runId: run.id,
      instance,
      connectorId: definition.id,
      generation: run.generation,
      resumed,
      resumedFromRunId: plan.resumedFromRunId,
      full: plan.full,
      mode: syncMode(plan, resumed),
    });
    return await execute({
      ...options,
      now,
      logger: logger.child({ runId: run.id }),
      emit,
      runId: run.id,
      generation: run.generation,
      plan,
      resumed,
      startedClock,
    });
  } finally {
    try {
      await store.releaseLock(lock);
    } catch (error) {
      logger.warn('could not release the sync lock; the next sync will take it over', {
        error: redactor.redact(String(error)),
      });
    }
  }
}

interface ExecuteInput<TConfig> extends RunSyncOptions<TConfig> {
  now: () => Date;
  emit: (event: SyncEvent) => void;
  runId: number;
  generation: number;
  plan: Plan;
  resumed: boolean;
  startedClock: number;
}

async function execute<TConfig>(input: ExecuteInput<TConfig>): Promise<SyncRunSummary> {
  const { store, definition, instance, config, redactor, signal, logger, emit, runId, generation, plan } =
    input;
  const iso = () => input.now().toISOString();
  const metrics: HttpClientMetrics = createMetrics();
  const totals: RecordCounts = { hosts: 0, policies: 0, definitions: 0, violations: 0 };
  const warnings: string[] = [];
  let warningCount = 0;
  let quarantined = 0;
  let batches = 0;
  let closed = 0;
  let connectorState = plan.state;
  let pendingScopes = plan.pendingScopes;
  const tainted = plan.tainted;
  const tracker = new ProgressTracker();
  let retriesSeen = 0;

  const warn = (message: string, position?: string) => {
    const text = truncateEcho(redactor.redact(message), maxWarningLength);
    warningCount += 1;
    if (warnings.length < maxStoredWarnings) warnings.push(text);
    logger.warn(text, position === undefined ? undefined : { position });
    emit(
      position === undefined
        ? { type: 'warning', message: text }
        : { type: 'warning', message: text, position },
    );
  };
  const progress = (): RunProgress => ({
    counts: { ...totals },
    batches,
    quarantined,
    closed,
    metrics: { ...metrics },
    warningCount,
    warnings,
  });
  const summary = (
    outcome: SyncRunSummary['outcome'],
    errorCode: string | null,
    errorMessage: string | null,
  ): SyncRunSummary => ({
    runId,
    instance,
    connectorId: definition.id,
    outcome,
    generation,
    resumed: input.resumed,
    resumedFromRunId: plan.resumedFromRunId,
    mode: syncMode(plan, input.resumed),
    counts: { ...totals },
    batches,
    quarantined,
    closed,
    metrics: { ...metrics },
    warnings: [...warnings],
    warningCount,
    durationMs: Math.round(performance.now() - input.startedClock),
    errorCode,
    errorMessage,
  });

  const context = connectorContext({ store, logger, redactor, metrics, signal, now: input.now, emit });
  let connector: Connector | undefined;
  try {
    connector = definition.create(config, context);
    const batchesOf = connector.read({
      state: plan.state,
      full: plan.full,
      force: input.force ?? false,
      runStartedAt: iso(),
    });
    for await (const batch of batchesOf) {
      const { records, quarantine } = validateBatch(batch, redactor);
      for (const entry of quarantine) {
        warn(`quarantined ${entry.entity} at ${entry.position}: ${entry.reason}`, entry.position);
      }
      for (const message of batch.warnings ?? []) warn(message, batch.position);
      taintFrom(tainted, quarantine);
      pendingScopes = mergeScopes(pendingScopes, batch.completedScopes ?? []);
      if (batch.checkpoint !== undefined) connectorState = batch.checkpoint;
      const written: RecordCounts = {
        hosts: records.hosts.length,
        policies: records.policies.length,
        definitions: records.definitions.length,
        violations: records.violations.length,
      };
      // The run's counts include this batch only once it committed: a batch that failed to
      // commit (disk full, read-only database) is not in the database, so not in the counts.
      const committedTotals: RecordCounts = {
        hosts: totals.hosts + written.hosts,
        policies: totals.policies + written.policies,
        definitions: totals.definitions + written.definitions,
        violations: totals.violations + written.violations,
      };
      const carriesState = batch.checkpoint !== undefined || (batch.completedScopes?.length ?? 0) > 0;
      const state: SyncState | undefined = carriesState
        ? {
            generation,
            inProgress: true,
            runId,
            connector: connectorState,
            pendingScopes,
            warningCount: plan.generationWarnings + warningCount,
            tainted,
            deferredScopes: plan.deferredScopes,
          }
        : undefined;
      await store.commitBatch({
        scope: { instance, runId, generation, connectorId: definition.id, now: iso() },
        records,
        quarantine: quarantine.map((entry) => ({ ...entry, runId, instance })),
        ...(state === undefined ? {} : { state }),
        progress: {
          ...progress(),
          counts: committedTotals,
          batches: batches + 1,
          quarantined: quarantined + quarantine.length,
        },
      });
      Object.assign(totals, committedTotals);
      batches += 1;
      quarantined += quarantine.length;

      const stream = tracker.recordBatch(
        batch.stream,
        written.hosts + written.policies + written.definitions + written.violations,
      );
      emit({
        type: 'batch',
        stream,
        position: batch.position,
        records: written,
        quarantined: quarantine.length,
        totals: { ...totals },
        batches,
        elapsedMs: Math.round(performance.now() - input.startedClock),
      });
      if (batch.progress) emit(tracker.progress(batch.progress));
      if (metrics.retries > retriesSeen) {
        emit({
          type: 'retry',
          retries: metrics.retries,
          added: metrics.retries - retriesSeen,
          rateLimitWaits: metrics.rateLimitWaits,
          rateLimitWaitMs: metrics.rateLimitWaitMs,
        });
        retriesSeen = metrics.retries;
      }
      // Ctrl-C: this batch is committed; do not pull the next one.
      if (signal.aborted) break;
    }
    if (signal.aborted) {
      throw new CancelledError(
        `The sync of "${instance}" was cancelled after ${batches} batch(es); run it again to resume from the last checkpoint.`,
        { details: { runId, instance } },
      );
    }

    const generationWarnings = plan.generationWarnings + warningCount;
    const outcome = generationWarnings > 0 ? 'partial' : 'succeeded';
    const at = iso();
    // Closing needs the whole generation's view; a partial generation may have missed records.
    // A clean generation also closes what earlier partial generations completed, each against
    // its own generation, so a finding seen since then stays open. The store closes, takes the
    // posture snapshot (after closing, so absent findings no longer count), stores the state
    // and finishes the run in one transaction: a crash leaves all or none of it.
    closed = await store.finishGeneration({
      instance,
      connectorId: definition.id,
      runId,
      now: at,
      closeScopes: outcome === 'succeeded' ? scopesToClose(plan, pendingScopes, generation) : [],
      state: {
        generation,
        inProgress: false,
        runId,
        connector: connectorState,
        pendingScopes: [],
        warningCount: 0,
        deferredScopes:
          outcome === 'succeeded' ? [] : deferScopes(plan.deferredScopes, pendingScopes, tainted, generation),
      },
      finish: { ...progress(), outcome, finishedAt: at, errorCode: null, errorMessage: null },
    });
    if (outcome === 'partial' && pendingScopes.length > 0) {
      logger.warn(
        'the sync had warnings, so findings it did not see were left open; the next sync that finishes without warnings closes those of its complete, untainted scopes',
        { scopes: pendingScopes.length },
      );
    }
    const result = summary(outcome, null, null);
    logger.info(`sync ${outcome}`, { ...result, warnings: undefined });
    emit({ type: 'finished', summary: result });
    return result;
  } catch (caught) {
    const cancelled = isCancellation(caught, signal);
    const error =
      cancelled && !isPostureSyncError(caught)
        ? new CancelledError(
            `The sync of "${instance}" was cancelled; run it again to resume from the last checkpoint.`,
            { cause: caught, details: { runId, instance } },
          )
        : caught;
    const outcome = cancelled ? 'cancelled' : 'failed';
    const errorCode = isPostureSyncError(error) ? error.code : unexpectedErrorCode;
    const errorMessage = truncateEcho(
      redactor.redact(error instanceof Error ? error.message : String(error)),
      maxErrorMessageLength,
    );
    try {
      await store.finishRun(runId, { ...progress(), outcome, finishedAt: iso(), errorCode, errorMessage });
    } catch (storeError) {
      logger.error('could not record the end of the run; the next sync marks it failed', {
        error: redactor.redact(String(storeError)),
      });
    }
    const result = summary(outcome, errorCode, errorMessage);
    logger[cancelled ? 'warn' : 'error'](`sync ${outcome}: ${errorMessage}`, { errorCode, runId, batches });
    emit({ type: 'finished', summary: result });
    throw error;
  } finally {
    if (connector) {
      try {
        await connector.close();
      } catch (closeError) {
        logger.warn('the connector failed to close cleanly', { error: redactor.redact(String(closeError)) });
      }
    }
  }
}
