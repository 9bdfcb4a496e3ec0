import { BadResponseError, defaultSleep, type Logger, type Sleep, TransientError } from '@posturesync/core';
import { parseSimpleReturn } from '@posturesync/qualys-common';
import type { ClassicApi } from './classic-api.ts';
import { errorFromSimpleReturn } from './classic-api.ts';
import type { QualysPcReportConfig } from './config-schema.ts';
import { reportPath } from './fetch-report.ts';
import { parseReportList, type ReportListEntry } from './report-list.ts';

type LaunchConfig = NonNullable<QualysPcReportConfig['launch']>;

/** Qualys limits report titles to 128 characters. */
const maxTitleLength = 128;

export function launchTitle(titlePrefix: string, launch: LaunchConfig, now: Date): string {
  const suffix = launch.titleSuffix ?? ` ${now.toISOString().replace(/\.\d{3}Z$/, 'Z')}`;
  return `${titlePrefix}${suffix}`.slice(0, maxTitleLength);
}

/** POST action=launch (report_type=Policy); returns the new report's ID. */
export async function launchReport(
  api: ClassicApi,
  titlePrefix: string,
  launch: LaunchConfig,
  now: Date,
  signal?: AbortSignal,
): Promise<{ id: string; title: string }> {
  const title = launchTitle(titlePrefix, launch, now);
  const label = `Policy report launch (template ${launch.templateId}, policy ${launch.policyId})`;
  const body = await api.text(
    {
      method: 'POST',
      path: reportPath,
      params: {
        action: 'launch',
        report_type: 'Policy',
        template_id: launch.templateId,
        policy_id: launch.policyId,
        output_format: launch.outputFormat,
        report_title: title,
      },
      label,
      // A replayed launch would start a second report; the client only retries it when it never left.
      idempotent: false,
      ...(signal ? { signal } : {}),
    },
    'SIMPLE_RETURN',
  );
  const simpleReturn = parseSimpleReturn(body);
  if (simpleReturn?.code) throw errorFromSimpleReturn(label, 200, simpleReturn);
  const id = simpleReturn?.items.ID;
  if (!id) {
    throw new BadResponseError(
      `${label}: Qualys did not return the new report ID (text: "${simpleReturn?.text ?? 'none'}"). Check the template and policy IDs.`,
    );
  }
  return { id, title };
}

export interface WaitOptions {
  maxWaitMinutes: number;
  logger: Logger;
  signal?: AbortSignal;
  sleep?: Sleep;
  /** First poll delay; doubles up to `maxPollMs`. */
  firstPollMs?: number;
  maxPollMs?: number;
}

/** Polls the report list for one ID with growing delays until the report is Finished. */
export async function waitForReport(
  api: ClassicApi,
  reportId: string,
  options: WaitOptions,
): Promise<ReportListEntry> {
  const sleep = options.sleep ?? defaultSleep;
  const deadline = Date.now() + options.maxWaitMinutes * 60_000;
  let delay = options.firstPollMs ?? 1000;
  const maxPoll = options.maxPollMs ?? 60_000;
  let polls = 0;
  for (;;) {
    const xml = await api.text(
      {
        method: 'GET',
        path: reportPath,
        params: { action: 'list', id: reportId },
        label: `Policy report ${reportId} status`,
        ...(options.signal ? { signal: options.signal } : {}),
      },
      'REPORT_LIST_OUTPUT',
    );
    polls += 1;
    const entry = parseReportList(xml).find((candidate) => candidate.id === reportId);
    const state = entry?.state?.toLowerCase();
    if (entry && state === 'finished') return entry;
    if (state === 'errors' || state === 'canceled' || state === 'cancelled') {
      throw new BadResponseError(
        `Launched policy report ${reportId} ended in state ${entry?.state}${entry?.message ? ` (${entry.message})` : ''}. Check the template and policy in Qualys and run again.`,
        { details: { reportId, state: entry?.state ?? null } },
      );
    }
    if (!entry && polls > 3) {
      throw new BadResponseError(
        `Launched policy report ${reportId} no longer appears in the report list; it may have been deleted. Run the sync again.`,
        { details: { reportId } },
      );
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      throw new TransientError(
        `Launched policy report ${reportId} did not finish within ${options.maxWaitMinutes} minutes (state ${entry?.state ?? 'unknown'}${entry?.percent ? `, ${entry.percent}%` : ''}). Raise launch.maxWaitMinutes, or run again later: the next sync imports it once finished if its title matches titlePrefix.`,
        { details: { reportId, state: entry?.state ?? null } },
      );
    }
    options.logger.info('Waiting for the launched policy report', {
      reportId,
      state: entry?.state ?? null,
      percent: entry?.percent ?? null,
    });
    await sleep(Math.min(delay, remaining), options.signal);
    delay = Math.min(delay * 2, maxPoll);
  }
}
