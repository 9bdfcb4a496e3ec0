import {
  type ConnectorContext,
  type ConnectorState,
  type ReadRequest,
  type RecordBatch,
  type Sleep,
  type WithRetryOptions,
  withRetry,
} from '@posturesync/core';
import { chooseReport } from './choose-report.ts';
import type { ClassicApi } from './classic-api.ts';
import type { QualysPcReportConfig } from './config-schema.ts';
import { openReport, reportPath } from './fetch-report.ts';
import { launchReport, waitForReport } from './launch-report.ts';
import { type MappedBatch, ReportMapper, shortfallWarning } from './map-report.ts';
import { csvOrXml } from './parse-report.ts';
import { parseReportInWorker } from './parse-report-in-worker.ts';
import { PolicyIdentity } from './policy-identity.ts';
import { parseReportList, type ReportListEntry } from './report-list.ts';
import { describePosition, type ReportItem, type ReportPosition } from './report-records.ts';
import {
  isRetryableReportError,
  listAttemptsExhausted,
  reportAttemptsExhausted,
  reportRetryWarning,
} from './report-retry.ts';
import { ReportedAcrossAttempts } from './reported-across-attempts.ts';
import { retryStream } from './retry-stream.ts';
import { workerThreadsFromEnvironment } from './worker-threads-setting.ts';

export const sourceName = 'QUALYSPC';
export const reportStream = 'report';
/** Violations per batch: large enough for fast inserts, small enough for quick commits. */
export const defaultBatchSize = 2000;

export interface ReportCheckpoint extends ConnectorState {
  lastImportedReportId: string;
  lastImportedLaunchDatetime: string | null;
}

export function lastImportedReportId(state: ConnectorState | null): string | null {
  const id = state?.lastImportedReportId;
  return typeof id === 'string' && id !== '' ? id : null;
}

export interface ReadOptions {
  batchSize?: number;
  sleep?: Sleep;
  /** Jitter of the back-off between report attempts. */
  random?: () => number;
  firstPollMs?: number;
  /**
   * Issue 18: parse the report in a worker thread (default: on, unless
   * `POSTURESYNC_WORKER_THREADS=0`); false parses it on the calling thread.
   */
  workerThreads?: boolean;
}

/** Back-off, abort and hooks shared by the report list and report retries. */
function retryTiming(
  context: ConnectorContext,
  options: ReadOptions,
): Pick<WithRetryOptions, 'signal' | 'sleep' | 'random'> {
  return {
    signal: context.signal,
    ...(options.sleep ? { sleep: options.sleep } : {}),
    ...(options.random ? { random: options.random } : {}),
  };
}

/** The report list, asked again (`maxReportAttempts`) when the answer is cut, garbled or an error under HTTP 200. */
async function listReports(
  api: ClassicApi,
  config: QualysPcReportConfig,
  context: ConnectorContext,
  options: ReadOptions,
): Promise<ReportListEntry[]> {
  const maxAttempts = config.maxReportAttempts;
  let attempts = 0;
  try {
    return await withRetry(
      async (attempt) => {
        attempts = attempt;
        const xml = await api.text(
          {
            method: 'GET',
            path: reportPath,
            // Unfiltered, so that a "none matches" error can name close titles in any state.
            params: { action: 'list' },
            label: 'Qualys report list',
            signal: context.signal,
          },
          'REPORT_LIST_OUTPUT',
        );
        return parseReportList(xml);
      },
      {
        ...retryTiming(context, options),
        policy: { maxRetries: maxAttempts - 1 },
        isRetryable: isRetryableReportError,
        onRetry: (error, failedAttempt, delayMs) => {
          context.metrics.retries += 1;
          context.logger.warn(
            `Qualys report list: attempt ${failedAttempt} of ${maxAttempts} failed (${error instanceof Error ? error.message : String(error)}); asking again in ${delayMs} ms.`,
            { attempt: failedAttempt, maxAttempts, delayMs },
          );
        },
      },
    );
  } catch (error) {
    if (isRetryableReportError(error)) throw listAttemptsExhausted(error, attempts);
    throw error;
  }
}

async function selectReport(
  api: ClassicApi,
  config: QualysPcReportConfig,
  context: ConnectorContext,
  options: ReadOptions,
): Promise<ReportListEntry> {
  if (config.launch) {
    const launched = await launchReport(
      api,
      config.titlePrefix,
      config.launch,
      context.now(),
      context.signal,
    );
    context.logger.info('Launched a policy report', { reportId: launched.id, title: launched.title });
    return waitForReport(api, launched.id, {
      maxWaitMinutes: config.launch.maxWaitMinutes,
      logger: context.logger,
      signal: context.signal,
      ...(options.sleep ? { sleep: options.sleep } : {}),
      ...(options.firstPollMs ? { firstPollMs: options.firstPollMs } : {}),
    });
  }
  return chooseReport(await listReports(api, config, context, options), config.titlePrefix);
}

function batchOf(
  mapped: MappedBatch,
  reportId: string,
  position: ReportPosition | null,
  done: number,
): RecordBatch {
  const batch: RecordBatch = {
    stream: reportStream,
    position: position ? `report ${reportId} ${describePosition(position)}` : `report ${reportId}`,
    progress: { stream: reportStream, done, total: null, unit: 'results' },
  };
  if (mapped.hosts.length) batch.hosts = mapped.hosts;
  if (mapped.policies.length) batch.policies = mapped.policies;
  if (mapped.definitions.length) batch.definitions = mapped.definitions;
  if (mapped.violations.length) batch.violations = mapped.violations;
  if (mapped.rejects.length) batch.rejects = mapped.rejects;
  if (mapped.warnings.length) batch.warnings = mapped.warnings;
  return batch;
}

/** The SUMMARY row with the policy ID it resolves to (configured, launched, in the file, or by title). */
async function withPolicyId(
  item: Extract<ReportItem, { kind: 'policy' }>,
  identity: PolicyIdentity,
): Promise<ReportItem> {
  const policyId = await identity.resolve(item.fields);
  return policyId === item.fields.policyId ? item : { ...item, fields: { ...item.fields, policyId } };
}

/**
 * Fetches, parses and maps one report, retrying the whole of it (`maxReportAttempts`) when the
 * body breaks off or is bad: batches are upserts and nothing claims completion before the last
 * batch, so starting over is safe. Each attempt has its own mapper, so hosts and definitions
 * are emitted again with their first result and the policies and counts that make the
 * completed scopes are those of the attempt that read the whole file.
 */
async function* importReport(
  api: ClassicApi,
  config: QualysPcReportConfig,
  context: ConnectorContext,
  report: ReportListEntry,
  identity: PolicyIdentity,
  options: ReadOptions,
): AsyncGenerator<RecordBatch> {
  const batchSize = options.batchSize ?? defaultBatchSize;
  const parse = (options.workerThreads ?? workerThreadsFromEnvironment()) ? parseReportInWorker : csvOrXml;
  const maxAttempts = config.maxReportAttempts;
  const reported = new ReportedAcrossAttempts();
  let attempts = 0;
  let lastPosition: ReportPosition | null = null;
  // Set before the last batch (checkpoint, completed scopes) is passed on: from then on nothing is retried.
  let finished = false;

  async function* attempt(number: number): AsyncGenerator<RecordBatch> {
    attempts = number;
    lastPosition = null;
    reported.nextAttempt();
    // Before the report body holds the client's one connection slot (see PolicyIdentity).
    await identity.prepare();
    const opened = await openReport(api, report.id, config.format, context.signal);
    try {
      const mapper = new ReportMapper({
        sourceName,
        network: config.network,
        reportId: report.id,
        fallbackPolicyId: identity.knownPolicyId,
      });
      for await (const item of parse(opened.format, opened.stream, {
        reportId: report.id,
        signal: context.signal,
        logger: context.logger,
      })) {
        // SUMMARY comes first, so an unknown or ambiguous title fails before any batch is passed on.
        mapper.accept(item.kind === 'policy' ? await withPolicyId(item, identity) : item);
        lastPosition = item.position;
        if (mapper.pendingViolations >= batchSize) {
          yield batchOf(reported.filter(mapper.drain()), report.id, lastPosition, mapper.resultCount);
        }
      }
      const final = batchOf(reported.filter(mapper.finish()), report.id, lastPosition, mapper.resultCount);
      final.checkpoint = {
        lastImportedReportId: report.id,
        lastImportedLaunchDatetime: report.launchDatetime,
      } satisfies ReportCheckpoint;
      const shortfalls = mapper.shortfalls();
      for (const shortfall of shortfalls) {
        const warning = shortfallWarning(report.id, shortfall);
        context.logger.warn(warning, { reportId: report.id, policyId: shortfall.policyUid });
        // A batch warning makes the run partial.
        final.warnings = [...(final.warnings ?? []), warning];
      }
      // An incomplete file must not close the findings it no longer lists.
      if (config.closeMissingFindings && shortfalls.length === 0) {
        final.completedScopes = mapper.completedScopes();
      }
      const counts = mapper.statusCounts;
      context.logger.info('Policy report imported', {
        reportId: report.id,
        format: opened.format,
        zipped: opened.zipped,
        attempts: number,
        results: mapper.resultCount,
        passed: counts.passed,
        failed: counts.failed,
        error: counts.error,
      });
      finished = true;
      yield final;
    } finally {
      opened.stream.destroy();
      await opened.cleanup();
    }
  }

  try {
    yield* retryStream(attempt, {
      ...retryTiming(context, options),
      policy: { maxRetries: maxAttempts - 1 },
      isRetryable: (error) => !finished && isRetryableReportError(error),
      onRetry: (error, failedAttempt, delayMs) => {
        context.metrics.retries += 1;
        context.logger.warn(reportRetryWarning(report.id, failedAttempt, maxAttempts, delayMs, error), {
          reportId: report.id,
          attempt: failedAttempt,
          maxAttempts,
          delayMs,
          ...(lastPosition ? { position: describePosition(lastPosition) } : {}),
        });
      },
    });
  } catch (error) {
    if (!finished && isRetryableReportError(error)) {
      throw reportAttemptsExhausted(error, report.id, attempts, lastPosition);
    }
    throw error;
  }
}

/**
 * One sync: choose (or launch) the report, skip it if already imported, then stream it
 * through the parser and the mapper. The checkpoint and the completed scopes travel only with
 * the last batch, after the whole file parsed: a failure half-way leaves earlier batches
 * stored but closes nothing and does not mark the report imported.
 */
export async function* readReport(
  api: ClassicApi,
  config: QualysPcReportConfig,
  context: ConnectorContext,
  request: ReadRequest,
  options: ReadOptions = {},
): AsyncGenerator<RecordBatch> {
  const report = await selectReport(api, config, context, options);
  const previous = lastImportedReportId(request.state);
  if (previous === report.id && !request.force) {
    // No batch: a batch warning would mark the run partial, and there is nothing to store.
    context.logger.warn(
      `Policy report ${report.id} ("${report.title}") was already imported; nothing to do. Use --force to import it again.`,
      { reportId: report.id },
    );
    return;
  }
  context.logger.info('Importing policy report', {
    reportId: report.id,
    title: report.title,
    launched: report.launchDatetime,
  });
  const identity = new PolicyIdentity(api, {
    configuredPolicyId: config.policyId ?? null,
    launchedPolicyId: config.launch?.policyId ?? null,
    logger: context.logger,
    signal: context.signal,
  });
  yield* importReport(api, config, context, report, identity, options);
}
