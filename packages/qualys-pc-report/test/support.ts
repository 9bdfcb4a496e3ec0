import {
  type Connector,
  type ConnectorContext,
  createLogger,
  createMetrics,
  type Host,
  type LogRecord,
  type ReadRequest,
  type RecordBatch,
  SecretRedactor,
  type Sleep,
  type Violation,
  type ViolationDefinition,
} from '@posturesync/core';
import {
  type RunningSimulator,
  type StartSimulatorOptions,
  startQualysSimulator,
} from '@posturesync/qualys-simulator';
import {
  createQualysPcReportConnector,
  type QualysPcReportConfigInput,
  type QualysPcReportHooks,
  qualysPcReportConfigSchema,
} from '../src/index.ts';

export const credentials = { username: 'posturesync_demo', password: 'demo-password' } as const;
export const smallEstate = { seed: 7, hosts: 6, policies: 2, controlsPerPolicy: 4 } as const;

export function startSimulator(options: StartSimulatorOptions = {}): Promise<RunningSimulator> {
  return startQualysSimulator({
    estate: smallEstate,
    classicRateLimit: false,
    reportLaunchDelayMs: 50,
    ...options,
  });
}

export interface Harness {
  connector: Connector;
  context: ConnectorContext;
  logs: LogRecord[];
  /** Waits the client or the launch poller asked for (they return at once). */
  sleeps: number[];
}

export function harness(
  simulator: Pick<RunningSimulator, 'url'>,
  config: Partial<QualysPcReportConfigInput> = {},
  hooks: QualysPcReportHooks = {},
  signal: AbortSignal = new AbortController().signal,
): Harness {
  const logs: LogRecord[] = [];
  const sleeps: number[] = [];
  const redactor = new SecretRedactor();
  const sleep: Sleep = async (ms) => {
    sleeps.push(ms);
  };
  const context: ConnectorContext = {
    logger: createLogger({ level: 'debug', redactor, sink: (record) => logs.push(record) }),
    redactor,
    metrics: createMetrics(),
    signal,
    now: () => new Date(),
  };
  const parsed = qualysPcReportConfigSchema.parse({
    apiUrl: simulator.url,
    username: credentials.username,
    password: credentials.password,
    titlePrefix: 'PC-Weekly',
    ...config,
  });
  const connector = createQualysPcReportConnector(parsed, context, { sleep, ...hooks });
  return { connector, context, logs, sleeps };
}

export const firstRead: ReadRequest = {
  state: null,
  full: false,
  force: false,
  runStartedAt: '2024-05-01T06:00:00Z',
};

export interface ReadResult {
  batches: RecordBatch[];
  hosts: Host[];
  definitions: ViolationDefinition[];
  violations: Violation[];
}

export async function readAll(connector: Connector, request: Partial<ReadRequest> = {}): Promise<ReadResult> {
  const batches: RecordBatch[] = [];
  for await (const batch of connector.read({ ...firstRead, ...request })) batches.push(batch);
  const hosts = new Map<string, Host>();
  const definitions = new Map<string, ViolationDefinition>();
  const violations = new Map<string, Violation>();
  for (const batch of batches) {
    for (const host of batch.hosts ?? []) hosts.set(host.uid, host);
    for (const definition of batch.definitions ?? []) definitions.set(definition.uid, definition);
    for (const violation of batch.violations ?? []) violations.set(violation.uid, violation);
  }
  return {
    batches,
    hosts: [...hosts.values()],
    definitions: [...definitions.values()],
    violations: [...violations.values()],
  };
}
