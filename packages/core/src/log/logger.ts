import type { SecretRedactor } from './redact.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const levelOrder: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export interface LogRecord {
  time: string;
  level: Exclude<LogLevel, 'silent'>;
  message: string;
  [field: string]: unknown;
}

/** A logger that redacts every record, then hands it to a sink (JSON lines, a terminal, a test array). */
export function createLogger(options: {
  level?: LogLevel;
  redactor: SecretRedactor;
  sink: (record: LogRecord) => void;
  fields?: Record<string, unknown>;
}): Logger {
  const threshold = levelOrder[options.level ?? 'info'];
  const base = options.fields ?? {};
  const emit = (level: Exclude<LogLevel, 'silent'>, message: string, fields?: Record<string, unknown>) => {
    if (levelOrder[level] < threshold) return;
    const record = options.redactor.redactValue({
      time: new Date().toISOString(),
      level,
      message,
      ...base,
      ...fields,
    });
    options.sink(record);
  };
  return {
    debug: (message, fields) => emit('debug', message, fields),
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
    child: (fields) => createLogger({ ...options, fields: { ...base, ...fields } }),
  };
}

export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
