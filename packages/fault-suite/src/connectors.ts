import type { ConnectorDefinition, Sleep } from '@posturesync/core';
import { defaultSleep } from '@posturesync/core';
import {
  createQualysPcReportConnector,
  type QualysPcReportConfig,
  qualysPcReportConnector,
} from '@posturesync/qualys-pc-report';
import { qualysPcrsConnector } from '@posturesync/qualys-pcrs';
import { reportTitlePrefix, suiteCredentials } from './test-estate.ts';

export type ConnectorKind = 'qualys-pcrs' | 'qualys-pc-report';

/** Instance names, one per connector, as a config file would name them. */
export const instanceOf: Readonly<Record<ConnectorKind, string>> = {
  'qualys-pcrs': 'pcrs-faults',
  'qualys-pc-report': 'report-faults',
};

/** Violations per pc-report batch in process, so a report spans several committed batches. */
export const reportBatchSize = 25;

/** Server-mandated waits longer than this are recorded but shortened (a 1965 asks for 60 s). */
export const longestRealWaitMs = 2_500;

/**
 * A sleep for the pc-report connector's documented test hook: waits up to `longestRealWaitMs`
 * for real (back-off and a natural 1-second rate window still behave as in production) and
 * shortens longer server-mandated waits to a few milliseconds, recording every request.
 */
export function recordingSleep(requested: number[]): Sleep {
  return (ms, signal) => {
    requested.push(ms);
    return defaultSleep(ms > longestRealWaitMs ? 5 : ms, signal);
  };
}

/**
 * The real connector definitions. PCRS is used exactly as the CLI uses it; pc-report goes
 * through `createQualysPcReportConnector` with its test hooks (smaller batches, the sleep above)
 * and otherwise unchanged code.
 */
export function definitionFor(kind: ConnectorKind, waits: number[] = []): ConnectorDefinition<unknown> {
  if (kind === 'qualys-pcrs') return qualysPcrsConnector as ConnectorDefinition<unknown>;
  const definition: ConnectorDefinition<QualysPcReportConfig> = {
    ...qualysPcReportConnector,
    create: (config, context) =>
      createQualysPcReportConnector(config, context, {
        sleep: recordingSleep(waits),
        batchSize: reportBatchSize,
      }),
  };
  return definition as ConnectorDefinition<unknown>;
}

/**
 * Connector config (as a config file block, password included, before schema defaults) for
 * a simulator at `url`. Small batches and low retry counts keep every case fast; client-side
 * PCRS pacing is off because the simulator's limits are what the cases exercise.
 */
export function connectorConfig(kind: ConnectorKind, url: string): Record<string, unknown> {
  const common = { username: suiteCredentials.username, password: suiteCredentials.password, maxRetries: 3 };
  if (kind === 'qualys-pcrs') {
    return {
      ...common,
      gatewayUrl: url,
      rateLimit: false,
      batchSize: 4,
      parallelRequests: 2,
      evidence: true,
    };
  }
  return { ...common, apiUrl: url, titlePrefix: reportTitlePrefix, network: 'fault-net' };
}
