import { createLogger, type Logger, type LogLevel, type LogRecord } from '../log/logger.ts';
import { SecretRedactor } from '../log/redact.ts';

export interface CapturedLogger {
  logger: Logger;
  redactor: SecretRedactor;
  /** Every record the logger emitted, already redacted, in order. */
  records: LogRecord[];
  /** All records as JSON lines: what a log file would hold. */
  text(): string;
}

/** A debug-level logger that keeps its records in memory, so tests can search them for secrets. */
export function captureLogger(options: { level?: LogLevel; redactor?: SecretRedactor } = {}): CapturedLogger {
  const redactor = options.redactor ?? new SecretRedactor();
  const records: LogRecord[] = [];
  const logger = createLogger({
    level: options.level ?? 'debug',
    redactor,
    sink: (record) => records.push(record),
  });
  return {
    logger,
    redactor,
    records,
    text: () => records.map((record) => JSON.stringify(record)).join('\n'),
  };
}
