import type { ConnectorContext, ConnectorState, ReadRequest, RecordBatch, Sleep } from '@posturesync/core';
import { chooseReport } from './choose-report.ts';
import type { ClassicApi } from './classic-api.ts';
import type { QualysPcReportConfig } from './config-schema.ts';
import { openReport, reportPath } from './fetch-report.ts';
import { launchReport, waitForReport } from './launch-report.ts';
import { type MappedBatch, ReportMapper } from './map-report.ts';
import { csvOrXml } from './parse-report.ts';
import { parseReportList, type ReportListEntry } from './report-list.ts';
import { describePosition, type ReportPosition } from './report-records.ts';

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
  firstPollMs?: number;
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
  return chooseReport(parseReportList(xml), config.titlePrefix);
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
  const batchSize = options.batchSize ?? defaultBatchSize;
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
  const opened = await openReport(api, report.id, config.format, context.signal);
  try {
    const mapper = new ReportMapper({
      sourceName,
      network: config.network,
      reportId: report.id,
      fallbackPolicyId: config.launch?.policyId ?? null,
    });
    let lastPosition: ReportPosition | null = null;
    for await (const item of csvOrXml(opened.format, opened.stream, {
      reportId: report.id,
      signal: context.signal,
    })) {
      mapper.accept(item);
      lastPosition = item.position;
      if (mapper.pendingViolations >= batchSize) {
        yield batchOf(mapper.drain(), report.id, lastPosition, mapper.resultCount);
      }
    }
    const final = batchOf(mapper.finish(), report.id, lastPosition, mapper.resultCount);
    final.checkpoint = {
      lastImportedReportId: report.id,
      lastImportedLaunchDatetime: report.launchDatetime,
    } satisfies ReportCheckpoint;
    if (config.closeMissingFindings) final.completedScopes = mapper.completedScopes();
    const counts = mapper.statusCounts;
    context.logger.info('Policy report imported', {
      reportId: report.id,
      format: opened.format,
      zipped: opened.zipped,
      results: mapper.resultCount,
      passed: counts.passed,
      failed: counts.failed,
      error: counts.error,
    });
    yield final;
  } finally {
    opened.stream.destroy();
    await opened.cleanup();
  }
}
