import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { Connector, ConnectorDefinition, RecordBatch } from '../connector/connector.ts';
import { errorCodes, PostureSyncError } from '../errors/index.ts';
import { assertNoSecrets } from './assert-no-secrets.ts';
import { captureLogger } from './capture-logger.ts';
import { collectBatches, firstReadRequest } from './collect-batches.ts';
import { configConventionProblems, configIssueLines } from './config-conventions.ts';
import { batchProblems, countRecords } from './record-validation.ts';
import { createTestContext } from './test-context.ts';

type MaybePromise<T> = T | Promise<T>;

/** What a connector's `setup` returns: a running fake source and ways to make it misbehave. */
export interface ConformanceSource<TConfig> {
  /** A valid config (input form; the kit parses it with the schema) pointing at the fake source. */
  config: TConfig;
  teardown: () => Promise<void>;
  failures?: {
    /** A config the source rejects with 401 / a login failure. */
    badCredentials?: () => MaybePromise<TConfig>;
    /** A config pointing at nothing (e.g. a closed loopback port), with retries kept short. */
    unreachable?: () => MaybePromise<TConfig>;
    /**
     * Arms a fault that kills the next sync's read midway, after at least one checkpointed
     * batch. May return a cleanup that disarms it; a one-shot fault needs none.
     */
    interruptRead?: () => MaybePromise<(() => MaybePromise<void>) | undefined | void>;
  };
}

export interface ConformanceOptions<TConfig> {
  definition: ConnectorDefinition<TConfig>;
  /** Starts the fake source (e.g. the simulator on 127.0.0.1) and returns a config pointing at it. */
  setup: () => Promise<ConformanceSource<TConfig>>;
  /** Configs the schema must reject, each with the key path the error must name (`''` for the root). */
  invalidConfigs: ReadonlyArray<{ name: string; config: unknown; expectPath: string }>;
  /** The secret values in a config (passwords, tokens); they must never appear in any output. */
  secretValues: (config: TConfig) => string[];
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
export function describeConnectorConformance<TConfig>(options: ConformanceOptions<TConfig>): void {
  const { definition } = options;
  const schema = definition.configSchema as z.ZodType<TConfig>;
  const evidence: Evidence = { logs: [], errors: [], batches: [], databases: [], secrets: new Set() };
  let source: ConformanceSource<TConfig> | undefined;

  const parseConfig = (input: TConfig): TConfig => {
    for (const secret of options.secretValues(input)) evidence.secrets.add(secret);
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      throw new Error(
        `setup returned a config the schema rejects:\n${configIssueLines(parsed.error).join('\n')}`,
      );
    }
    return parsed.data;
  };
  const requireSource = (): ConformanceSource<TConfig> => {
    if (!source) throw new Error('setup() did not complete; see the beforeAll error above');
    return source;
  };
  /** Creates a connector with its own capturing logger, runs `use`, closes it, keeps the logs. */
  const withConnector = async <T>(config: TConfig, use: (connector: Connector) => Promise<T>): Promise<T> => {
    const captured = captureLogger();
    const connector = definition.create(parseConfig(config), createTestContext(captured));
    try {
      return await use(connector);
    } finally {
      await connector.close();
      evidence.logs.push(captured.text());
    }
  };
  const expectFailure = async (config: TConfig, use: (connector: Connector) => Promise<unknown>) => {
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
    });
  });
}
