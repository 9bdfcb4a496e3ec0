import type {
  CompletedScope,
  ConnectorState,
  HttpClient,
  HttpClientMetrics,
  Logger,
  ReadRequest,
  RecordBatch,
} from '@posturesync/core';
import { CancelledError, chunk } from '@posturesync/core';
import { BatchChannel } from './batch-channel.ts';
import { type PcrsState, parsePcrsState, postureBatchKey, toConnectorState } from './checkpoint-state.ts';
import type { QualysPcrsConfig } from './config-schema.ts';
import { type MappedRecords, PostureRecordMapper } from './map-posture-record.ts';
import { fetchHostIds, fetchPolicyList } from './pcrs-api.ts';
import { type PostureJob, postureJobLabel, streamPostureCall } from './posture-call.ts';
import { PostureWorkerPool } from './posture-worker-pool.ts';
import { retryWholeCall } from './retry-call.ts';
import { describePlan, hostIdsGroups, nextWatermarks, planRun } from './run-plan.ts';
import { selectPolicies } from './select-policies.ts';
import { workerThreadsFromEnvironment } from './worker-threads-setting.ts';

/** Violations (plus rejects) per emitted batch: large enough to amortise a transaction. */
export const defaultSubBatchSize = 2000;

export interface ReadPostureOptions {
  client: HttpClient;
  config: QualysPcrsConfig;
  sourceName: string;
  logger: Logger;
  metrics: HttpClientMetrics;
  signal: AbortSignal;
  subBatchSize?: number;
  /**
   * Issue 18: parse and map postureInfo bodies in worker threads (default: on, unless
   * `POSTURESYNC_WORKER_THREADS=0`); false maps them on the calling thread.
   */
  workerThreads?: boolean;
}

interface PolicyProgress {
  pending: number;
  listed: boolean;
  scopeTaken: boolean;
  rejects: number;
  /** Incremental runs only: the hosts refetched, to limit closing to them. */
  hostIds: string[] | null;
}

/** Numeric-looking IDs in numeric order, so a rerun slices the same hosts into the same calls. */
function compareIds(left: string, right: string): number {
  return left.length - right.length || (left < right ? -1 : left > right ? 1 : 0);
}

function earlier(left: string, right: string): string {
  const a = Date.parse(left);
  const b = Date.parse(right);
  if (!Number.isFinite(a)) return right;
  if (!Number.isFinite(b)) return left;
  return a <= b ? left : right;
}

function withRecords(batch: RecordBatch, records: MappedRecords): RecordBatch {
  if (records.hosts.length > 0) batch.hosts = records.hosts;
  if (records.definitions.length > 0) batch.definitions = records.definitions;
  if (records.violations.length > 0) batch.violations = records.violations;
  if (records.rejects.length > 0) batch.rejects = records.rejects;
  return batch;
}

/**
 * The PCRS read: policy list -> hostids (up to 10 policies per call) -> postureInfo slices
 * across all policies, `parallelRequests` at a time through one shared client, with no
 * per-policy barrier. Batches stream out while responses are parsed.
 */
export async function* readPosture(
  options: ReadPostureOptions,
  request: ReadRequest,
): AsyncGenerator<RecordBatch> {
  const { client, config, logger, metrics } = options;
  const subBatchSize = options.subBatchSize ?? defaultSubBatchSize;
  const retryOptions = { maxRetries: config.maxRetries, logger, metrics };
  const list = await retryWholeCall(
    () =>
      fetchPolicyList(client, {
        version: config.apiVersion,
        lastEvaluationDate: config.lastEvaluationDate,
        signal: options.signal,
      }),
    { ...retryOptions, label: 'policy list', signal: options.signal },
  );
  const selection = selectPolicies(list, config, options.sourceName);
  for (const warning of selection.warnings) logger.warn(warning);
  logger.info(`${selection.policies.length} of ${selection.listed} policies selected`);
  const selectedIds = selection.policies.map((policy) => policy.uid);

  // Planned once the selection is known: each policy has its own watermark and host filter.
  const previous: PcrsState = parsePcrsState(request.state, selectedIds);
  const plan = planRun(previous, selectedIds, request, config.incrementalSafetyMarginMinutes);
  const { run, mode } = plan;
  const completed = new Set(run.completedBatchKeys);
  const completedKeys = [...run.completedBatchKeys];
  const snapshot = (): ConnectorState =>
    toConnectorState({
      version: previous.version,
      watermarks: previous.watermarks,
      run: { ...run, completedBatchKeys: completedKeys },
    });
  logger.info(describePlan(plan), { mode, lastScanDates: run.lastScanDates });
  const policiesBatch: RecordBatch = {
    stream: 'policies',
    position: 'policy list',
    policies: selection.policies,
    checkpoint: snapshot(),
    progress: {
      stream: 'policies',
      done: selection.policies.length,
      total: selection.policies.length,
      unit: 'policies',
    },
  };
  if (selection.rejects.length > 0) policiesBatch.rejects = selection.rejects;
  if (selection.warnings.length > 0) policiesBatch.warnings = selection.warnings;
  yield policiesBatch;

  const mapper = new PostureRecordMapper({ sourceName: options.sourceName });
  const workers = (options.workerThreads ?? workerThreadsFromEnvironment()) ? new PostureWorkerPool() : null;
  workers?.prestart(config.parallelRequests);
  // Worker-mapped records are deduplicated per body; across bodies here, in queue order.
  const admit = (records: MappedRecords) => (workers ? mapper.admit(records) : records);
  const channel = new BatchChannel<RecordBatch>(config.parallelRequests * 2);
  const abort = new AbortController();
  const onAbort = () => abort.abort(options.signal.reason);
  if (options.signal.aborted) onAbort();
  else options.signal.addEventListener('abort', onAbort, { once: true });

  const progress = new Map<string, PolicyProgress>();
  let callsDone = 0;
  let callsKnown = 0;
  // The number of postureInfo calls is known once every hostids call has answered (each
  // group's calls are planned as soon as its host IDs are in), long before the last call starts.
  let hostIdsIn = false;
  const progressOf = () => ({
    stream: 'postureInfo',
    done: callsDone,
    total: hostIdsIn ? callsKnown : null,
    unit: 'requests',
  });

  /** Policies whose hostids call and every postureInfo call were stored: their watermark may move. */
  const completedPolicies = new Set<string>();

  /** The scope to close once a policy's every call is stored, exactly once. */
  const takeScope = (policyId: string): CompletedScope | null => {
    const entry = progress.get(policyId);
    if (!entry?.listed || entry.pending > 0 || entry.scopeTaken) return null;
    entry.scopeTaken = true;
    completedPolicies.add(policyId);
    if (entry.rejects > 0) {
      logger.warn(
        `policy ${policyId}: ${entry.rejects} records were rejected, so no findings are closed for it`,
      );
      return null;
    }
    if (entry.hostIds === null) return { policyUid: policyId };
    if (entry.hostIds.length === 0) return null;
    return { policyUid: policyId, hostUids: entry.hostIds };
  };

  const countRejects = (policyId: string, records: MappedRecords) => {
    const entry = progress.get(policyId);
    if (entry && records.rejects.length > 0) entry.rejects += records.rejects.length;
  };

  async function* listJobs(): AsyncGenerator<PostureJob> {
    const groups = hostIdsGroups(selectedIds, run.lastScanDates, config.policiesPerHostIdsCall);
    if (groups.length === 0) hostIdsIn = true;
    for (const [groupIndex, { lastScanDate, policyIds: group }] of groups.entries()) {
      const groupLabel = `hostids policies ${group.join(',')}${lastScanDate === null ? '' : ` since ${lastScanDate}`}`;
      const entries = await retryWholeCall(
        () =>
          fetchHostIds(client, {
            version: config.apiVersion,
            policyIds: group,
            lastScanDate,
            signal: abort.signal,
          }),
        { ...retryOptions, label: groupLabel, signal: abort.signal },
      );
      const byPolicy = new Map(entries.map((entry) => [entry.policyId, entry]));
      const warnings: string[] = [];
      const scopes: CompletedScope[] = [];
      // Every call of the group is planned before the first one starts, so the total is known.
      const planned: PostureJob[] = [];
      for (const policyId of group) {
        const entry = byPolicy.get(policyId);
        if (!entry || entry.error !== null) {
          const reason = entry?.error ?? 'no entry for it in the hostids response';
          const warning = `policy ${policyId}: hostids answered "${reason}"; its postures are skipped this run and its watermark stays where it was, so the next sync asks again for everything it missed; the other policies go on`;
          logger.warn(warning);
          warnings.push(warning);
          continue;
        }
        const hostIds = [...entry.hostIds].sort(compareIds);
        const hostSlices = chunk(hostIds, config.batchSize);
        const state: PolicyProgress = {
          pending: hostSlices.length,
          listed: false,
          scopeTaken: false,
          rejects: 0,
          hostIds: lastScanDate === null ? null : hostIds,
        };
        progress.set(policyId, state);
        callsKnown += hostSlices.length;
        let firstHostIndex = 0;
        for (const slice of hostSlices) {
          const key = postureBatchKey(policyId, slice);
          const job: PostureJob = {
            policyId,
            subscriptionId: entry.subscriptionId ?? list.subscriptionId,
            hostIds: slice,
            firstHostIndex,
            totalHosts: hostIds.length,
            key,
            label: postureJobLabel(policyId, firstHostIndex, slice.length, hostIds.length),
          };
          firstHostIndex += slice.length;
          if (completed.has(key)) {
            state.pending--;
            callsDone++;
            continue;
          }
          planned.push(job);
        }
        // `pending` counts the planned calls too, so the scope is taken only once they are stored.
        state.listed = true;
        const scope = takeScope(policyId);
        if (scope) scopes.push(scope);
      }
      if (groupIndex === groups.length - 1) hostIdsIn = true;
      for (const job of planned) yield job;
      if (warnings.length > 0 || scopes.length > 0) {
        await channel.offer(() => {
          const batch: RecordBatch = {
            stream: 'hostids',
            position: groupLabel,
            progress: progressOf(),
          };
          if (warnings.length > 0) batch.warnings = warnings;
          if (scopes.length > 0) batch.completedScopes = scopes;
          return batch;
        });
      }
    }
  }

  const jobs = listJobs();

  const runJob = async (job: PostureJob) => {
    const rest = await retryWholeCall(
      () =>
        streamPostureCall(job, {
          client,
          version: config.apiVersion,
          evidence: config.evidence,
          mapper,
          subBatchSize,
          signal: abort.signal,
          workers,
          emit: (records) =>
            channel.offer(() => {
              countRejects(job.policyId, records);
              return withRecords(
                { stream: 'postureInfo', position: job.label, progress: progressOf() },
                admit(records),
              );
            }),
        }),
      { ...retryOptions, label: job.label, signal: abort.signal },
    );
    await channel.offer(() => {
      completed.add(job.key);
      completedKeys.push(job.key);
      countRejects(job.policyId, rest);
      callsDone++;
      const entry = progress.get(job.policyId);
      if (entry) entry.pending--;
      const batch = withRecords(
        { stream: 'postureInfo', position: job.label, checkpoint: snapshot(), progress: progressOf() },
        admit(rest),
      );
      const scope = takeScope(job.policyId);
      if (scope) batch.completedScopes = [scope];
      return batch;
    });
  };

  const caller = async () => {
    for (;;) {
      const next = await jobs.next();
      if (next.done) return;
      await runJob(next.value);
    }
  };

  const callers = Array.from({ length: config.parallelRequests }, () => caller());
  const finished = Promise.all(callers).then(
    () => channel.close(),
    (error: unknown) => {
      abort.abort(error);
      channel.close(
        options.signal.aborted ? new CancelledError('The sync was cancelled', { cause: error }) : error,
      );
    },
  );

  try {
    for await (const batch of channel) yield batch;
    await finished;
  } finally {
    options.signal.removeEventListener('abort', onAbort);
    if (!abort.signal.aborted) abort.abort(new CancelledError('The sync stopped reading'));
    channel.close();
    await Promise.allSettled(callers);
    await workers?.close();
  }

  const watermark = earlier(run.startedAt, request.runStartedAt);
  const held = selectedIds.filter((policyId) => !completedPolicies.has(policyId));
  logger.info(
    `PCRS read complete: ${callsDone} postureInfo calls; ${completedPolicies.size} policies now have watermark ${watermark}` +
      (held.length > 0 ? `; policies ${held.join(', ')} keep their earlier watermark (or none)` : ''),
  );
  yield {
    stream: 'postureInfo',
    position: 'end of sync',
    checkpoint: toConnectorState({
      version: previous.version,
      watermarks: nextWatermarks(previous.watermarks, completedPolicies, watermark),
      run: null,
    }),
    progress: { stream: 'postureInfo', done: callsDone, total: callsDone, unit: 'requests' },
  };
}
