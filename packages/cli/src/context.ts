import { resolve } from 'node:path';
import {
  type ConnectorDefinition,
  createLogger,
  type Logger,
  type LogLevel,
  type LogRecord,
  SecretRedactor,
} from '@posturesync/core';
import { isPostgresUrl } from '@posturesync/store-postgres';
import type { Environment } from './config/resolve-connector.ts';
import type { ConnectorSearch } from './connector-discovery.ts';
import type { ConnectorTypes, ConnectorTypesRequest } from './connector-types.ts';
import { type Colors, colorEnabled, createColors } from './output/color.ts';
import { LiveRegion } from './output/live-region.ts';
import { terminalText } from './output/terminal-text.ts';

export interface CliStream {
  write(chunk: string): unknown;
  columns?: number;
}

/** Everything the CLI touches outside itself, injectable so tests run it in-process. */
export interface RunCliOptions {
  env?: Environment;
  cwd?: string;
  stdout?: CliStream;
  stderr?: CliStream;
  /** Whether stderr is an interactive terminal (live progress, colours, human log lines). */
  isTTY?: boolean;
  /** Aborted on Ctrl-C / SIGTERM by the binary; syncs stop after the current batch. */
  signal?: AbortSignal;
  /** Connector types by id; replaces loading connector packages (the built-ins plus installed ones). */
  registry?: ReadonlyMap<string, ConnectorDefinition<unknown>>;
  /** Where discovery looks for connector packages, instead of the defaults (see connector-discovery.ts). */
  connectorSearch?: Partial<ConnectorSearch>;
  now?: () => Date;
  /** Asks a yes/no question on the terminal; absent when there is none to ask on (then `--yes` is needed). */
  confirm?: (question: string) => Promise<boolean>;
}

export interface GlobalOptions {
  config?: string;
  db?: string;
  json: boolean;
  logLevel: LogLevel;
  color: boolean;
}

export interface CliContext {
  env: Environment;
  cwd: string;
  isTTY: boolean;
  json: boolean;
  globals: GlobalOptions;
  colors: Colors;
  redactor: SecretRedactor;
  logger: Logger;
  signal: AbortSignal;
  now: () => Date;
  /**
   * Loads the connector types a config uses, and only those (only commands that resolve
   * connectors call it; see connector-types.ts).
   */
  connectorTypes: (request: ConnectorTypesRequest) => Promise<ConnectorTypes>;
  /** Asks the user a yes/no question, or null when there is no terminal to ask on. */
  confirm: ((question: string) => Promise<boolean>) | null;
  /** Live status lines on stderr; null when stderr is not a terminal or --json is on. */
  live: LiveRegion | null;
  /** Writes command output (tables, JSON) to stdout, redacted. */
  out(text: string): void;
  /** The raw stdout, for streamed bulk output (`export`) that must honour backpressure. */
  stdout: CliStream;
  /** Writes a human message to stderr (above any live lines), redacted. */
  note(text: string): void;
  /** The database: --db, else the config's `database`, else ./posturesync.db (a path, or a PostgreSQL URL as given). */
  databasePath(configDatabase?: string | null, fallback?: string): string;
}

export const defaultDatabase = 'posturesync.db';

/** Fields every engine log line carries; JSON logs keep them, a terminal does not need them. */
const quietFields = new Set(['connector', 'runId']);

function humanLine(record: LogRecord, colors: Colors): string {
  const { time: _time, level, message, ...fields } = record;
  const tag =
    level === 'error'
      ? colors.red('error')
      : level === 'warn'
        ? colors.yellow('warn ')
        : level === 'debug'
          ? colors.dim('debug')
          : colors.cyan('info ');
  const extras = Object.entries(fields)
    // Nested objects (counts, metrics) read badly inline; --json logs keep them.
    .filter(
      ([key, value]) =>
        value !== undefined && value !== null && typeof value !== 'object' && !quietFields.has(key),
    )
    .map(([key, value]) => `${terminalText(key)}=${terminalText(String(value))}`)
    .join(' ');
  return `${tag} ${terminalText(message)}${extras ? colors.dim(` ${extras}`) : ''}`;
}

export function createContext(
  options: RunCliOptions,
  globals: GlobalOptions,
  connectorTypes: (request: ConnectorTypesRequest) => Promise<ConnectorTypes>,
  redactor: SecretRedactor = new SecretRedactor(),
): CliContext {
  const env = options.env ?? {};
  const cwd = options.cwd ?? process.cwd();
  const stdout = options.stdout ?? { write: () => true };
  const stderr = options.stderr ?? { write: () => true };
  const isTTY = options.isTTY ?? false;
  const colors = createColors(colorEnabled({ isTTY, flag: globals.color, env }) && !globals.json);
  const interactive = isTTY && !globals.json;
  const live = interactive ? new LiveRegion(stderr, () => stderr.columns || 80) : null;
  const note = (text: string) => {
    const safe = redactor.redact(text);
    if (live) live.print(safe);
    else stderr.write(safe.endsWith('\n') ? safe : `${safe}\n`);
  };
  const logger = createLogger({
    level: globals.logLevel,
    redactor,
    sink: (record) => {
      if (interactive) note(humanLine(record, colors));
      else stderr.write(`${JSON.stringify(record)}\n`);
    },
  });
  return {
    env,
    cwd,
    isTTY,
    json: globals.json,
    globals,
    colors,
    redactor,
    logger,
    signal: options.signal ?? new AbortController().signal,
    now: options.now ?? (() => new Date()),
    connectorTypes,
    confirm: options.confirm ?? null,
    live,
    stdout,
    out: (text) => {
      // Command output is final: no progress frame may stay on screen above or below it.
      live?.clear();
      const safe = redactor.redact(text);
      stdout.write(safe.endsWith('\n') ? safe : `${safe}\n`);
    },
    note,
    databasePath: (configDatabase, fallback = defaultDatabase) => {
      // A PostgreSQL URL is a location, not a path: it is never resolved against the folder.
      if (globals.db !== undefined)
        return isPostgresUrl(globals.db) ? globals.db.trim() : resolve(cwd, globals.db);
      if (configDatabase) return configDatabase;
      return resolve(cwd, fallback);
    },
  };
}
