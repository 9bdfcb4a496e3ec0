import type { Connector, ConnectorDefinition, RecordBatch } from '@posturesync/core';
import { errorCodes, PostureSyncError } from '@posturesync/core';
import {
  assertNoSecrets,
  batchProblems,
  captureLogger,
  collectBatches,
  configConventionProblems,
  configIssueLines,
  countRecords,
  createTestContext,
  firstReadRequest,
} from '@posturesync/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { Awaitable, Store } from '../store/store.ts';
import { runSync } from '../sync/run-sync.ts';
import type { SyncRunSummary } from '../sync/sync-events.ts';
import { snapshotStore, storeText } from './database-snapshot.ts';

type MaybePromise<T> = T | Promise<T>;

/**
 * What a connector's `setup` returns: a running fake source and ways to make it misbehave.
 * Configs are in the schema's input form (defaults may be left out); the kit parses them.
 */
export interface ConformanceSource<TInput> {
  /** A valid config pointing at the fake source. */
  config: TInput;
  teardown: () => Promise<void>;
  failures?: {
    /** A config the source rejects with 401 / a login failure. */
    badCredentials?: () => MaybePromise<TInput>;
    /** A config pointing at nothing (e.g. a closed loopback port), with retries kept short. */
    unreachable?: () => MaybePromise<TInput>;
    /**
     * Arms a fault that kills the next sync's read midway, after at least one checkpointed
     * batch. May return a cleanup that disarms it; a one-shot fault needs none.
     */
    interruptRead?: () => MaybePromise<(() => MaybePromise<void>) | undefined | void>;
  };
}

/**
 * `TConfig` is the definition's (parsed) config type; `TInput` the schema's input type
 * (`z.input<typeof schema>`), which setup may return so defaults need not be spelled out.
 */
export interface ConformanceOptions<TConfig, TInput = TConfig> {
  definition: ConnectorDefinition<TConfig>;
  /** Starts the fake source (e.g. the simulator on 127.0.0.1) and returns a config pointing at it. */
  setup: () => Promise<ConformanceSource<TInput>>;
  /** Configs the schema must reject, each with the key path the error must name (`''` for the root). */
  invalidConfigs: ReadonlyArray<{ name: string; config: unknown; expectPath: string }>;
  /** The secret values in a config (passwords, tokens); they must never appear in any output. */
  secretValues: (config: TInput) => string[];
  /**
   * How a killed sync recovers. `checkpoint` (default): the connector checkpoints during a
   * read, so the next run resumes the interrupted generation (`resumed: true`). `restart`:
   * the source is one atomic unit (e.g. a single report file) and the connector checkpoints
   * only after it; the next run starts that unit over. Both must end with a clean run's rows.
   */
  resumeMode?: 'checkpoint' | 'restart';
  /**
   * Opens a new, empty store for one sync test (the engine runs against the `Store` interface;
   * connectors' own suites pass `() => SqliteStore.open(':memory:')` from
   * `@posturesync/store-sqlite`). It is closed after the test.
   */
  openStore: () => Awaitable<Store>;
}

/** Everything the suite saw, scanned for secrets at the end. */
interface Evidence {
  logs: string[];
  errors: unknown[];
  batches: RecordBatch[];
  databases: string[];
  secrets: Set<string>;
}

/** The text of an error as it could reach a user: message, stack, JSON form and causes. */
export function errorText(error: unknown, depth = 0): string {
  if (depth > 5) return '';
  if (!(error instanceof Error)) return String(error);
  const parts = [error.message, error.stack ?? ''];
  if (error instanceof PostureSyncError) parts.push(JSON.stringify(error.toJSON()));
  if (error.cause !== undefined) parts.push(errorText(error.cause, depth + 1));
  return parts.join('\n');
}

/**
 * Registers the conformance suite for one connector: call it at the top level of a vitest
 * test file (`test/conformance.test.ts`). See CONTRIBUTING.md, "The conformance kit".
 */
export function describeConnectorConformance<TConfig, TInput = TConfig>(
  options: ConformanceOptions<TConfig, TInput>,
): void {
  const { definition } = options;
  const schema = definition.configSchema as z.ZodType<TConfig>;
  const evidence: Evidence = { logs: [], errors: [], batches: [], databases: [], secrets: new Set() };
  let source: ConformanceSource<TInput> | undefined;
  let fullReadBatches = 0;

  const parseConfig = (input: TInput): TConfig => {
    for (const secret of options.secretValues(input)) evidence.secrets.add(secret);
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      throw new Error(
        `setup returned a config the schema rejects:\n${configIssueLines(parsed.error).join('\n')}`,
      );
    }
    return parsed.data;
  };
  const requireSource = (): ConformanceSource<TInput> => {
    if (!source) throw new Error('setup() did not complete; see the beforeAll error above');
    return source;
  };
  /** Creates a connector with its own capturing logger, runs `use`, closes it, keeps the logs. */
  const withConnector = async <T>(config: TInput, use: (connector: Connector) => Promise<T>): Promise<T> => {
    const captured = captureLogger();
    const connector = definition.create(parseConfig(config), createTestContext(captured));
    try {
      return await use(connector);
    } finally {
      await connector.close();
      evidence.logs.push(captured.text());
    }
  };
  /** One runSync into `store`; returns the summary, or the error plus the summary of the failed run. */
  const sync = async (
    store: Store,
    config: TInput,
  ): Promise<{ summary: SyncRunSummary | undefined; error: unknown }> => {
    const captured = captureLogger();
    let summary: SyncRunSummary | undefined;
    let error: unknown;
    try {
      summary = await runSync({
        store,
        definition,
        instance: 'conformance',
        config: parseConfig(config),
        logger: captured.logger,
        redactor: captured.redactor,
        signal: new AbortController().signal,
        onEvent: (event) => {
          if (event.type === 'finished') summary = event.summary;
        },
      });
    } catch (caught) {
      error = caught;
      evidence.errors.push(caught);
    } finally {
      evidence.logs.push(captured.text());
    }
    return { summary, error };
  };
  const syncOk = async (store: Store, config: TInput): Promise<SyncRunSummary> => {
    const { summary, error } = await sync(store, config);
    if (error !== undefined || !summary) {
      throw new Error(`runSync failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    expect(['succeeded', 'partial']).toContain(summary.outcome);
    return summary;
  };
  const withStore = async <T>(use: (store: Store) => Promise<T>): Promise<T> => {
    const store = await options.openStore();
    try {
      return await use(store);
    } finally {
      evidence.databases.push(await storeText(store));
      await store.close();
    }
  };

  const expectFailure = async (config: TInput, use: (connector: Connector) => Promise<unknown>) => {
    let failure: unknown;
    await withConnector(config, async (connector) => {
      try {
        await use(connector);
      } catch (error) {
        failure = error;
      }
    });
    evidence.errors.push(failure);
    return failure;
  };

  describe(`connector conformance: ${definition.id}`, () => {
    beforeAll(async () => {
      source = await options.setup();
    });
    afterAll(async () => {
      await source?.teardown();
    });

    describe('definition and config schema', () => {
      it('names itself with a kebab-case id, a display name, a description and a source name', () => {
        expect(definition.id).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
        expect(definition.displayName.trim()).not.toBe('');
        expect(definition.description.trim()).not.toBe('');
        expect(definition.sourceName.trim()).not.toBe('');
      });

      it('accepts the config setup() returns', () => {
        const parsed = schema.safeParse(requireSource().config);
        expect(parsed.success ? [] : configIssueLines(parsed.error)).toEqual([]);
      });

      it('describes every option and marks every secret (options table is complete)', () => {
        expect(configConventionProblems(definition as ConnectorDefinition<unknown>)).toEqual([]);
      });

      for (const invalid of options.invalidConfigs) {
        it(`rejects ${invalid.name} with a readable error naming "${invalid.expectPath || '(config)'}"`, () => {
          const parsed = schema.safeParse(invalid.config);
          expect(parsed.success, `the schema accepted ${invalid.name}`).toBe(false);
          if (parsed.success) return;
          const paths = parsed.error.issues.map((issue) => issue.path.map(String).join('.'));
          expect(paths).toContain(invalid.expectPath);
          for (const line of configIssueLines(parsed.error)) {
            expect(line).toMatch(/^\S.*: \S/);
            expect(line).not.toMatch(/\[object Object\]/);
          }
        });
      }
    });

    describe('check()', () => {
      it('succeeds against the source and reports what it learned', async () => {
        const result = await withConnector(requireSource().config, (connector) => connector.check());
        expect(result.ok).toBe(true);
        expect(result.details.length).toBeGreaterThan(0);
        for (const detail of result.details) expect(typeof detail).toBe('string');
      });

      it('rejects bad credentials with a PostureSyncError coded PS_ERR_AUTH', async (context) => {
        const badCredentials = requireSource().failures?.badCredentials;
        if (!badCredentials) return context.skip('setup() provides no failures.badCredentials hook');
        const failure = await expectFailure(await badCredentials(), (connector) => connector.check());
        expect(failure).toBeInstanceOf(PostureSyncError);
        expect((failure as PostureSyncError).code).toBe(errorCodes.auth);
        expect((failure as PostureSyncError).message.length).toBeGreaterThan(10);
      });

      it('reports an unreachable source as a PostureSyncError (transient or config)', async (context) => {
        const unreachable = requireSource().failures?.unreachable;
        if (!unreachable) return context.skip('setup() provides no failures.unreachable hook');
        const failure = await expectFailure(await unreachable(), (connector) => connector.check());
        expect(failure).toBeInstanceOf(PostureSyncError);
        expect([errorCodes.transient, errorCodes.config]).toContain((failure as PostureSyncError).code);
      });
    });

    describe('read()', () => {
      it('yields only valid model records in batches with a stream, a position and JSON checkpoints', async () => {
        const batches = await withConnector(requireSource().config, (connector) => collectBatches(connector));
        evidence.batches.push(...batches);
        fullReadBatches = batches.length;
        expect(batches.length).toBeGreaterThan(0);
        const counts = countRecords(batches);
        expect(counts.hosts + counts.policies + counts.definitions + counts.violations).toBeGreaterThan(0);
        const problems = batches.flatMap((batch, index) =>
          batchProblems(batch, definition.sourceName, index),
        );
        expect(problems.slice(0, 20)).toEqual([]);
      });

      it('resumes a read from each checkpoint it emitted without failing or yielding invalid records', async () => {
        const config = requireSource().config;
        const first = await withConnector(config, (connector) => collectBatches(connector));
        const checkpoints = first.flatMap((batch) => (batch.checkpoint ? [batch.checkpoint] : []));
        // The middle checkpoint is the interesting one: a restart after some, not all, batches.
        const middle = checkpoints[Math.floor((checkpoints.length - 1) / 2)];
        if (!middle) return;
        const state = JSON.parse(JSON.stringify(middle)) as typeof middle;
        const resumed = await withConnector(config, (connector) =>
          collectBatches(connector, firstReadRequest({ state })),
        );
        evidence.batches.push(...resumed);
        const problems = resumed.flatMap((batch, index) =>
          batchProblems(batch, definition.sourceName, index),
        );
        expect(problems.slice(0, 20)).toEqual([]);
      });

      it('stops when its signal is aborted after the first batch (Ctrl-C)', async () => {
        const controller = new AbortController();
        const captured = captureLogger();
        const connector = definition.create(
          parseConfig(requireSource().config),
          createTestContext({ ...captured, signal: controller.signal }),
        );
        let failure: unknown;
        let afterAbort = 0;
        try {
          for await (const _batch of connector.read(firstReadRequest())) {
            if (controller.signal.aborted) afterAbort += 1;
            controller.abort();
          }
        } catch (error) {
          failure = error;
        } finally {
          await connector.close();
          evidence.logs.push(captured.text());
        }
        // Ending quietly is fine (nothing was left to do); failing must say "cancelled".
        if (failure !== undefined) {
          evidence.errors.push(failure);
          expect(failure).toBeInstanceOf(PostureSyncError);
          expect((failure as PostureSyncError).code).toBe(errorCodes.cancelled);
        }
        // A few batches already in flight may still arrive; the rest of the read must not.
        const allowed = Math.max(2, Math.floor(fullReadBatches / 2));
        expect(afterAbort, 'the read kept going after its signal was aborted').toBeLessThanOrEqual(allowed);
      });
    });

    describe('sync', () => {
      it('re-running a sync is idempotent: same row counts and the same violation rows', async () => {
        await withStore(async (store) => {
          const config = requireSource().config;
          const first = await syncOk(store, config);
          const total =
            first.counts.hosts + first.counts.policies + first.counts.definitions + first.counts.violations;
          expect(total, 'the first sync wrote no records').toBeGreaterThan(0);
          const before = await snapshotStore(store);
          await syncOk(store, config);
          const after = await snapshotStore(store);
          expect(after.counts).toEqual(before.counts);
          expect(after.rows.violations).toEqual(before.rows.violations);
        });
      });

      const resumeMode = options.resumeMode ?? 'checkpoint';
      const resumeTitle =
        resumeMode === 'checkpoint'
          ? 'a sync killed midway resumes from its checkpoint and ends with the rows of a clean run'
          : 'a sync killed midway is started over by the next run and ends with the rows of a clean run';
      it(resumeTitle, async (context) => {
        const interruptRead = requireSource().failures?.interruptRead;
        if (!interruptRead) return context.skip('setup() provides no failures.interruptRead hook');
        const config = requireSource().config;
        const clean = await withStore(async (store) => {
          await syncOk(store, config);
          return await snapshotStore(store);
        });
        await withStore(async (store) => {
          const cleanup = await interruptRead();
          let interrupted: Awaited<ReturnType<typeof sync>>;
          try {
            interrupted = await sync(store, config);
          } finally {
            if (typeof cleanup === 'function') await cleanup();
          }
          expect(interrupted.error, 'interruptRead() did not make the sync fail').toBeInstanceOf(
            PostureSyncError,
          );
          expect(interrupted.summary?.outcome).toBe('failed');
          if (resumeMode === 'checkpoint') {
            expect(
              (await store.getState('conformance'))?.inProgress,
              'no checkpoint was committed before the fault: interruptRead must fault after the first checkpointed batch',
            ).toBe(true);
          }
          const next = await syncOk(store, config);
          expect(next.resumed).toBe(resumeMode === 'checkpoint');
          const after = await snapshotStore(store);
          expect(after.counts).toEqual(clean.counts);
          expect(after.rows.violations).toEqual(clean.rows.violations);
        });
      });
    });

    describe('secrets', () => {
      it('never appear in logs', () => {
        assertNoSecrets(evidence.logs.join('\n'), [...evidence.secrets], 'logs');
      });
      it('never appear in errors (message, stack, JSON, causes)', () => {
        assertNoSecrets(
          evidence.errors.map((error) => errorText(error)).join('\n'),
          [...evidence.secrets],
          'errors',
        );
      });
      it('never appear in serialized batches', () => {
        assertNoSecrets(JSON.stringify(evidence.batches), [...evidence.secrets], 'record batches');
      });
      it('never appear in the database (every TEXT column of every table)', () => {
        expect(evidence.databases.length, 'no sync ran, so no database was scanned').toBeGreaterThan(0);
        assertNoSecrets(evidence.databases.join('\n'), [...evidence.secrets], 'the database');
      });
    });
  });
}
