import type { z } from 'zod';
import type { ThrottleWait } from '../http/http-client.ts';
import type { RateWindowStore } from '../http/rate-window-store.ts';
import type { HttpClientMetrics } from '../http/types.ts';
import type { Logger } from '../log/logger.ts';
import type { SecretRedactor } from '../log/redact.ts';
import type { EntityName, Host, Policy, Violation, ViolationDefinition } from '../model/records.ts';

/** JSON-serialisable connector state (the checkpoint). Only the connector reads its inside. */
export type ConnectorState = { readonly [key: string]: unknown };

export interface ConnectorContext {
  logger: Logger;
  /** Register every secret here before use so it is scrubbed from logs, errors and output. */
  redactor: SecretRedactor;
  /** Counters the HTTP client and connector increment; the engine records them on the run. */
  metrics: HttpClientMetrics;
  /** Aborted on Ctrl-C / SIGTERM: stop starting new work, finish or drop the current request. */
  signal: AbortSignal;
  /** Injectable clock, so incremental windows are testable. */
  now: () => Date;
  /**
   * Where HTTP clients keep their rate window between processes (pass it to `createHttpClient`
   * as `rateWindow.store`, keyed by API URL and user). Absent in tests and one-off tools.
   */
  rateWindows?: RateWindowStore;
  /** Pass to `createHttpClient` as `onThrottleWait`: the engine shows the wait as progress. */
  onThrottleWait?: (wait: ThrottleWait) => void;
}

/** A config key that holds a secret; the CLI reads it from the named environment variable. */
export interface SecretField {
  key: string;
  env: string;
  description: string;
}

export interface CheckResult {
  ok: true;
  /** Human-readable facts learned during the check, e.g. "PC module enabled", "14 active policies". */
  details: string[];
}

export interface ReadRequest {
  /** The last committed checkpoint of this connector instance, or null on a first sync. */
  state: ConnectorState | null;
  /** `--full`: ignore incremental watermarks and any interrupted run; refetch everything. */
  full: boolean;
  /** `--force`: re-import data already imported (e.g. the same report ID). */
  force: boolean;
  /** When this run started (ISO-8601 UTC); a connector stores it as its next watermark. */
  runStartedAt: string;
}

/** A record the connector could not map; the engine quarantines it and counts a warning. */
export interface RejectedRecord {
  entity: EntityName;
  /** Where in the source it came from, e.g. `postureInfo policy 123 batch 4 record 17`. */
  position: string;
  reason: string;
  raw: unknown;
}

/**
 * The connector has now delivered every result for this scope in this sync generation
 * (a run plus any resumed continuation of it). Open violations in the scope that the
 * generation never saw are closed. Emit only from a complete, non-partial read of the scope.
 */
export interface CompletedScope {
  policyUid: string;
  /** Limit closing to these hosts (incremental syncs that refetched only some hosts). */
  hostUids?: string[];
  /** Limit closing to findings carrying this network label. */
  network?: string | null;
}

export interface Progress {
  stream: string;
  done: number;
  total: number | null;
  unit: string;
}

export interface RecordBatch {
  /** Logical stream: `policies`, `hostids`, `postureInfo`, `report`... */
  stream: string;
  /** Human-readable source position for errors and quarantine. */
  position: string;
  hosts?: Host[];
  policies?: Policy[];
  definitions?: ViolationDefinition[];
  violations?: Violation[];
  rejects?: RejectedRecord[];
  warnings?: string[];
  /**
   * State to persist once this batch is stored, in the same transaction. The generator
   * resumes only after the engine committed the previous batch, so a checkpoint may
   * safely claim everything yielded so far.
   */
  checkpoint?: ConnectorState;
  completedScopes?: CompletedScope[];
  progress?: Progress;
}

export interface Connector {
  /** A light credentials and entitlement test; throws typed PostureSyncErrors with a clear reason. */
  check(): Promise<CheckResult>;
  /** Streams record batches. Never touches the database. */
  read(request: ReadRequest): AsyncIterable<RecordBatch>;
  /** Releases sockets and sessions (e.g. classic API logout). Called also after failures. */
  close(): Promise<void>;
}

export interface ConnectorDefinition<TConfig = unknown> {
  /** Stable id used in config files: `qualys-pcrs`. */
  id: string;
  displayName: string;
  description: string;
  /** Recorded on every host and finding, e.g. `QUALYSPC`. */
  sourceName: string;
  /** Validates the connector's config block (secrets already filled in from the environment). */
  configSchema: z.ZodType<TConfig>;
  secrets: readonly SecretField[];
  create(config: TConfig, context: ConnectorContext): Connector;
}

/** Helps TypeScript infer TConfig from the schema. */
export function defineConnector<TConfig>(
  definition: ConnectorDefinition<TConfig>,
): ConnectorDefinition<TConfig> {
  return definition;
}
