import type {
  CheckResult,
  ConnectorDefinition,
  Logger,
  RateWindowStore,
  SecretRedactor,
} from '@posturesync/core';
import { createMetrics } from '@posturesync/core';
import { registerConfigSecrets } from './config-fingerprint.ts';

export interface CheckConnectorOptions<TConfig = unknown> {
  definition: ConnectorDefinition<TConfig>;
  /** The already-validated connector config (secrets filled in). */
  config: TConfig;
  logger: Logger;
  redactor: SecretRedactor;
  signal: AbortSignal;
  now?: () => Date;
  /** The database's rate windows, so a check right after a sync respects the real window. */
  rateWindows?: RateWindowStore;
}

/** Creates the connector, runs its light credentials check and always closes it. */
export async function checkConnector<TConfig>(options: CheckConnectorOptions<TConfig>): Promise<CheckResult> {
  const { definition, config, redactor, signal } = options;
  registerConfigSecrets(redactor, config, definition.secrets);
  const logger = options.logger.child({ connector: definition.id });
  const connector = definition.create(config, {
    logger,
    redactor,
    metrics: createMetrics(),
    signal,
    now: options.now ?? (() => new Date()),
    ...(options.rateWindows ? { rateWindows: options.rateWindows } : {}),
  });
  try {
    return await connector.check();
  } finally {
    try {
      await connector.close();
    } catch (error) {
      logger.warn('the connector failed to close cleanly', { error: redactor.redact(String(error)) });
    }
  }
}
