import { isPostureSyncError } from '@posturesync/core';
import type { Store } from '@posturesync/engine';
import type { ResolvedConnector } from '../config/resolve-connector.ts';
import type { CliContext } from '../context.ts';
import { runSync, type SyncRunSummary } from '../engine.ts';
import { type ExitCode, exitCodeForError, exitCodeForErrorCode, exitCodes } from '../exit-codes.ts';
import { describeError, internalErrorCode } from '../output/report-error.ts';
import { createLogProgress, createTerminalProgress, type ProgressListener } from '../output/sync-progress.ts';
import type { InstanceOutcome } from '../output/sync-summary.ts';
import { openStore } from './open-store.ts';

export function exitCodeForSummary(summary: SyncRunSummary): ExitCode {
  switch (summary.outcome) {
    case 'succeeded':
      return exitCodes.success;
    case 'partial':
      return exitCodes.partial;
    case 'cancelled':
      return exitCodes.cancelled;
    default:
      return exitCodeForErrorCode(summary.errorCode);
  }
}

/** Warns loudly: with verification off, anyone on the path can read the credentials. */
export function warnAboutTls(context: CliContext, connectors: readonly ResolvedConnector[]): void {
  const loudly = (message: string, instance: string) => {
    if (context.live) context.note(context.colors.bold(context.colors.red(`WARNING: ${message}`)));
    else context.logger.warn(message, { instance });
  };
  for (const connector of connectors) {
    if (connector.tlsVerifyDisabled)
      loudly(
        `TLS certificate verification is OFF for connector instance "${connector.name}" (tlsVerify: false): anyone on the network path can read its credentials and forge its data. Use this only against a test rig.`,
        connector.name,
      );
    if (connector.insecureHttpUrl !== null)
      loudly(
        `Connector instance "${connector.name}" talks plain http:// to ${connector.insecureHttpUrl} (allowInsecureHttp: true): its credentials and data cross the network unencrypted, readable and forgeable by anyone on the path. Use https:// unless this is a test rig.`,
        connector.name,
      );
  }
}

/** The counts are a courtesy of the summary: a database that cannot answer must not fail the run's report. */
async function storedOrNull(store: Store, instance: string, runId: number) {
  try {
    return await store.storedByRun(instance, runId);
  } catch {
    return null;
  }
}

/**
 * Syncs the instances one after another into one database. Stops early when the user
 * cancels or another process holds the lock (every later instance would hit it too).
 */
export async function syncInstances(
  context: CliContext,
  connectors: readonly ResolvedConnector[],
  options: { database: string; full: boolean; force: boolean },
): Promise<InstanceOutcome[]> {
  const store = await openStore(options.database, context.env);
  const outcomes: InstanceOutcome[] = [];
  try {
    for (const connector of connectors) {
      if (context.signal.aborted) break;
      const progress: ProgressListener = context.live
        ? createTerminalProgress({ live: context.live, colors: context.colors, instance: connector.name })
        : createLogProgress({ logger: context.logger, instance: connector.name });
      let outcome: InstanceOutcome;
      const previousRunId = (await store.history({ instance: connector.name, limit: 1 }))[0]?.id ?? 0;
      try {
        const summary = await runSync({
          store,
          definition: connector.definition,
          instance: connector.name,
          config: connector.config,
          full: options.full,
          force: options.force,
          logger: context.logger,
          redactor: context.redactor,
          signal: context.signal,
          now: context.now,
          onEvent: (event) => progress.handle(event),
        });
        outcome = {
          instance: connector.name,
          type: connector.type,
          exitCode: exitCodeForSummary(summary),
          summary: context.redactor.redactValue(summary),
          stored: await storedOrNull(store, connector.name, summary.runId),
          error:
            summary.errorCode === null && summary.errorMessage === null
              ? null
              : {
                  code: summary.errorCode ?? internalErrorCode,
                  message: context.redactor.redact(summary.errorMessage ?? ''),
                  details: {},
                },
        };
      } catch (error) {
        // The engine records a run before it can fail or be cancelled; show what that run did.
        const run =
          (await store.history({ instance: connector.name, limit: 1 })).find(
            (run) => run.id > previousRunId,
          ) ?? null;
        outcome = {
          instance: connector.name,
          type: connector.type,
          exitCode: exitCodeForError(error),
          summary: null,
          run,
          stored: run === null ? null : await storedOrNull(store, connector.name, run.id),
          error: describeError(error, context.redactor),
        };
        if (!isPostureSyncError(error))
          context.logger.debug('sync threw', { stack: error instanceof Error ? error.stack : String(error) });
      } finally {
        progress.stop();
      }
      outcomes.push(outcome);
      if (outcome.exitCode === exitCodes.cancelled || outcome.exitCode === exitCodes.lockHeld) break;
    }
  } finally {
    await store.close();
  }
  return outcomes;
}
