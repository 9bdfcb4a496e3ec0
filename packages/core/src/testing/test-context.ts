import type { ConnectorContext } from '../connector/connector.ts';
import { createMetrics } from '../http/types.ts';
import type { Logger } from '../log/logger.ts';
import { SecretRedactor } from '../log/redact.ts';
import { captureLogger } from './capture-logger.ts';

/** A ConnectorContext for tests: a capturing logger by default, fresh metrics, a live signal. */
export function createTestContext(
  overrides: Partial<ConnectorContext> & { logger?: Logger; redactor?: SecretRedactor } = {},
): ConnectorContext {
  const redactor = overrides.redactor ?? new SecretRedactor();
  return {
    logger: overrides.logger ?? captureLogger({ redactor }).logger,
    redactor,
    metrics: overrides.metrics ?? createMetrics(),
    signal: overrides.signal ?? new AbortController().signal,
    now: overrides.now ?? (() => new Date()),
  };
}
