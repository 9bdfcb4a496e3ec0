import { readFileSync } from 'node:fs';
import { type LogLevel, SecretRedactor } from '@posturesync/core';
import { Command, CommanderError, Option } from 'commander';
import { registerChangesCommand } from './commands/changes.ts';
import { registerCheckCommand } from './commands/check.ts';
import type { CommandRunner } from './commands/command-runner.ts';
import { registerDemoCommand } from './commands/demo.ts';
import { registerExportCommand } from './commands/export.ts';
import { registerHistoryCommand } from './commands/history.ts';
import { registerInitCommand } from './commands/init.ts';
import { registerMigrateStoreCommand } from './commands/migrate-store.ts';
import { registerSpecCommand } from './commands/spec.ts';
import { registerStateCommand } from './commands/state.ts';
import { registerStatusCommand } from './commands/status.ts';
import { registerSyncCommand } from './commands/sync.ts';
import { registerTrendCommand } from './commands/trend.ts';
import { type ConnectorTypesRequest, connectorTypesFrom, loadConnectorTypes } from './connector-types.ts';
import { type CliContext, createContext, type GlobalOptions, type RunCliOptions } from './context.ts';
import { exitCodeForError, exitCodeHelp, exitCodes } from './exit-codes.ts';
import { createColors } from './output/color.ts';
import { describeError, formatErrorReport } from './output/report-error.ts';

export const cliVersion: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

const logLevels: LogLevel[] = ['debug', 'info', 'warn', 'error'];

const helpEpilogue = `
Configuration:
  Connector instances are declared in a YAML or JSON file (default ./posturesync.config.yaml,
  .yml or .json; create one with \`posturesync init\`). Secrets never go in the file: each
  connector reads its password from an environment variable (QUALYS_PASSWORD by default,
  or the variable named by passwordEnv).

First steps:
  posturesync demo                 sync a built-in Qualys simulator into ./posturesync-demo.db
  posturesync init                 write a commented config file
  posturesync check && posturesync sync

${exitCodeHelp}
`;

/** Global options as parsed from argv alone, for errors raised before any command ran. */
function fallbackGlobals(argv: readonly string[]): GlobalOptions {
  return { json: argv.includes('--json'), logLevel: 'info', color: !argv.includes('--no-color') };
}

/**
 * Runs the CLI in-process and returns the exit code; never calls process.exit. The
 * binary (`bin.ts`) wires real streams, environment and signals into it.
 */
export async function runCli(argv: readonly string[], options: RunCliOptions = {}): Promise<number> {
  const injected = options.registry;
  const connectorTypes = async (request: ConnectorTypesRequest) =>
    injected !== undefined
      ? connectorTypesFrom(injected)
      : await loadConnectorTypes(request, options.connectorSearch);
  const redactor = new SecretRedactor();
  const stdout = options.stdout ?? { write: () => true };
  const stderr = options.stderr ?? { write: () => true };
  let context: CliContext | null = null;
  let exitCode: number = exitCodes.success;

  const run: CommandRunner = async (command, body) => {
    const parsed = command.optsWithGlobals<Partial<GlobalOptions>>();
    const globals: GlobalOptions = {
      json: parsed.json === true,
      logLevel: parsed.logLevel ?? 'info',
      color: parsed.color !== false,
      ...(parsed.config === undefined ? {} : { config: parsed.config }),
      ...(parsed.db === undefined ? {} : { db: parsed.db }),
    };
    context = createContext(options, globals, connectorTypes, redactor);
    exitCode = await body(context);
  };

  const program = new Command('posturesync')
    .description(
      'Sync Qualys Policy Compliance data into a local SQLite database through pluggable connectors.',
    )
    .version(cliVersion, '-V, --version', 'print the version')
    .option('--config <path>', 'config file (default ./posturesync.config.yaml, .yml or .json)')
    .option('--db <path>', 'SQLite database; overrides `database` in the config (default ./posturesync.db)')
    .option('--json', 'machine-readable output: JSON on stdout, JSON-lines logs on stderr')
    .addOption(new Option('--log-level <level>', 'log detail').choices(logLevels).default('info'))
    .option('--no-color', 'disable colours (also honours NO_COLOR)')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => stdout.write(text),
      writeErr: (text) => stderr.write(text),
      outputError: (text, write) => {
        const json = argv.includes('--json');
        const message = text.replace(/^error:\s*/, '').trimEnd();
        write(
          `${formatErrorReport(
            { code: 'PS_ERR_CONFIG', message: `${message}\n(see posturesync --help)`, details: {} },
            { json, colors: createColors(false), now: new Date() },
          )}\n`,
        );
      },
      getOutHelpWidth: () => stdout.columns ?? 100,
      getErrHelpWidth: () => stderr.columns ?? 100,
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    })
    .addHelpText('after', helpEpilogue);

  registerInitCommand(program, run);
  registerCheckCommand(program, run);
  registerSyncCommand(program, run);
  registerStatusCommand(program, run);
  registerHistoryCommand(program, run);
  registerMigrateStoreCommand(program, run);
  registerStateCommand(program, run);
  registerSpecCommand(program, run);
  registerChangesCommand(program, run);
  registerTrendCommand(program, run);
  registerExportCommand(program, run);
  registerDemoCommand(program, run);

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version')
        return exitCodes.success;
      // Usage errors were already printed by outputError; a bare `posturesync` printed the help.
      return exitCodes.usage;
    }
    const active: CliContext =
      context ?? createContext(options, fallbackGlobals(argv), connectorTypes, redactor);
    active.live?.clear();
    const report = describeError(error, redactor);
    const stack =
      active.globals.logLevel === 'debug' && error instanceof Error
        ? redactor.redact(error.stack ?? '')
        : undefined;
    stderr.write(
      `${formatErrorReport(report, { json: active.json, colors: active.colors, now: active.now(), stack })}\n`,
    );
    return exitCodeForError(error);
  }
}
