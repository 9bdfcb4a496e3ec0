import { setTimeout as sleep } from 'node:timers/promises';
import type {
  CompletedScope,
  ConnectorDefinition,
  ConnectorState,
  Host,
  ReadRequest,
  RecordBatch,
  Violation,
} from '@posturesync/core';
import { TransientError } from '@posturesync/core';
import { makeDefinition, makeHost, makePolicy, makeViolation } from '@posturesync/core/testing';
import { z } from 'zod';

/** An in-test connector: yields hand-made batches, resuming from `{ next }` checkpoints. */

export const fakeConfigSchema = z.object({
  url: z.string(),
  password: z.string(),
  pageSize: z.number().int().default(10),
});
export type FakeConfig = z.infer<typeof fakeConfigSchema>;

export interface EstateOptions {
  policies: number;
  hosts: number;
  controls: number;
  /** Hosts per violations batch. */
  hostsPerBatch: number;
  /** Variant 1 flips some statuses and drops the last host of every policy (to be closed). */
  variant?: 0 | 1;
}

/**
 * Deterministic estate as record batches: per policy one batch with the policy and its
 * definitions, then batches of hosts with their violations; the last batch of a policy
 * reports the policy as a completed scope.
 */
export function buildEstate(options: EstateOptions): RecordBatch[] {
  const batches: RecordBatch[] = [];
  const hostCount = options.variant === 1 ? options.hosts - 1 : options.hosts;
  for (let p = 1; p <= options.policies; p += 1) {
    const policyUid = `${p}`;
    batches.push({
      stream: 'policies',
      position: `policy ${policyUid}`,
      policies: [makePolicy(policyUid)],
      definitions: Array.from({ length: options.controls }, (_, c) =>
        makeDefinition(policyUid, `${c + 1}`, c === 0 ? { severity: 'critical', criticalityValue: 5 } : {}),
      ),
    });
    for (let first = 1; first <= hostCount; first += options.hostsPerBatch) {
      const hosts: Host[] = [];
      const violations: Violation[] = [];
      for (let h = first; h < first + options.hostsPerBatch && h <= hostCount; h += 1) {
        const hostUid = `${1_000_000_000_000 + h}`;
        hosts.push(makeHost(hostUid, { tags: [`group-${h % 3}`] }));
        for (let c = 1; c <= options.controls; c += 1) {
          const failing = (h + c + (options.variant ?? 0)) % 3 === 0;
          violations.push(makeViolation(hostUid, policyUid, `${c}`, failing ? 'failed' : 'passed'));
        }
      }
      const last = first + options.hostsPerBatch > hostCount;
      batches.push({
        stream: 'postureInfo',
        position: `postureInfo policy ${policyUid} hosts ${first}-${first + hosts.length - 1}`,
        hosts,
        violations,
        ...(last ? { completedScopes: [{ policyUid } satisfies CompletedScope] } : {}),
      });
    }
  }
  return batches.map((batch, index) => ({
    ...batch,
    checkpoint: { next: index + 1 },
    progress: { stream: batch.stream, done: index + 1, total: batches.length, unit: 'batches' },
  }));
}

export interface FakeDefinitionOptions {
  batches: readonly RecordBatch[];
  /** Throw before yielding batch `index` (0-based), `times` times across runs (default once). */
  failAt?: { index: number; error?: Error; times?: number };
  /** Pause before each batch (for the crash test and cancellation). */
  delayMs?: number;
  /** Called with each batch index right before it is yielded. */
  beforeYield?: (index: number) => void;
}

export interface FakeDefinition extends ConnectorDefinition<FakeConfig> {
  readonly requests: ReadRequest[];
  readonly stats: { created: number; closed: number; checked: number };
}

export function createFakeDefinition(options: FakeDefinitionOptions): FakeDefinition {
  const requests: ReadRequest[] = [];
  const stats = { created: 0, closed: 0, checked: 0 };
  let failuresLeft = options.failAt?.times ?? 1;
  return {
    id: 'fake',
    displayName: 'Fake connector',
    description: 'Yields hand-made batches for engine tests',
    sourceName: 'TEST',
    configSchema: fakeConfigSchema,
    secrets: [{ key: 'password', env: 'FAKE_PASSWORD', description: 'test password' }],
    requests,
    stats,
    create(config, context) {
      stats.created += 1;
      return {
        async check() {
          stats.checked += 1;
          context.logger.info(`checking ${config.url} with ${config.password}`);
          return { ok: true, details: [`${options.batches.length} batches available`] };
        },
        async *read(request) {
          requests.push(request);
          const state = request.state as (ConnectorState & { next?: number }) | null;
          const start = request.full ? 0 : (state?.next ?? 0);
          for (let index = start; index < options.batches.length; index += 1) {
            if (options.delayMs) await sleep(options.delayMs);
            if (options.failAt?.index === index && failuresLeft > 0) {
              failuresLeft -= 1;
              throw (
                options.failAt.error ??
                new TransientError(`connection reset while reading batch ${index} from ${config.url}`)
              );
            }
            context.metrics.requests += 1;
            context.metrics.bytesReceived += 100;
            options.beforeYield?.(index);
            yield options.batches[index]!;
          }
        },
        async close() {
          stats.closed += 1;
        },
      };
    },
  };
}
