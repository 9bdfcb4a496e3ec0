import type { Store } from '@posturesync/engine';
import { isPostgresUrl } from '@posturesync/store-postgres';
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { checkConnector } from '../engine.ts';
import { type ExitCode, exitCodeForError, exitCodes, worstExitCode } from '../exit-codes.ts';
import { describeError, type ErrorReport } from '../output/report-error.ts';
import { terminalText } from '../output/terminal-text.ts';
import type { CommandRunner } from './command-runner.ts';
import { loadConnectors } from './load-connectors.ts';
import { openStore, storeExists } from './open-store.ts';
import { warnAboutTls } from './sync-instances.ts';

interface CheckOutcome {
  instance: string;
  type: string;
  ok: boolean;
  details: string[];
  error: ErrorReport | null;
  exitCode: ExitCode;
}

export function registerCheckCommand(program: Command, run: CommandRunner): void {
  program
    .command('check')
    .description('validate the config and test each connector instance’s credentials and access')
    .option('--connector <name>', 'check only this connector instance')
    .action(async (options: { connector?: string }, command: Command) =>
      run(command, async (context) => {
        const { connectors, unavailable, database } = await loadConnectors(context, options.connector);
        warnAboutTls(context, connectors);
        const store = await openRateWindowStore(context, database);
        const rateWindows = store?.rateWindows();
        const outcomes: CheckOutcome[] = unavailable.map((instance) => ({
          instance: instance.name,
          type: instance.type,
          ok: false,
          details: [],
          error: describeError(instance.error, context.redactor),
          exitCode: exitCodeForError(instance.error),
        }));
        try {
          for (const connector of connectors) {
            if (context.signal.aborted) break;
            try {
              const result = await checkConnector({
                definition: connector.definition,
                config: connector.config,
                logger: context.logger.child({ instance: connector.name }),
                redactor: context.redactor,
                signal: context.signal,
                ...(rateWindows === undefined ? {} : { rateWindows }),
              });
              outcomes.push({
                instance: connector.name,
                type: connector.type,
                ok: true,
                details: result.details.map((detail) => context.redactor.redact(detail)),
                error: null,
                exitCode: exitCodes.success,
              });
            } catch (error) {
              outcomes.push({
                instance: connector.name,
                type: connector.type,
                ok: false,
                details: [],
                error: describeError(error, context.redactor),
                exitCode: exitCodeForError(error),
              });
            }
          }
        } finally {
          await store?.close();
        }
        const exitCode = context.signal.aborted
          ? exitCodes.cancelled
          : worstExitCode(outcomes.map((outcome) => outcome.exitCode));
        if (context.json) {
          context.out(JSON.stringify({ results: outcomes, exitCode }));
          return exitCode;
        }
        const { colors } = context;
        for (const outcome of outcomes) {
          if (outcome.ok) {
            const facts = outcome.details.length > 0 ? `: ${terminalText(outcome.details.join('; '))}` : '';
            context.out(
              `${colors.green('✓')} ${colors.bold(terminalText(outcome.instance))} (${terminalText(outcome.type)})${facts}`,
            );
          } else {
            context.out(
              `${colors.red('✗')} ${colors.bold(terminalText(outcome.instance))} (${terminalText(outcome.type)}): [${outcome.error?.code}] ${terminalText(outcome.error?.message ?? '')}`,
            );
          }
        }
        return exitCode;
      }),
    );
}

/**
 * The database's rate windows, so a `check` right after a sync starts from the window the sync
 * left (and the sync after it from the check's calls). Only an existing database is used: a check
 * creates nothing, and a database it cannot open costs only that memory, never the check.
 */
async function openRateWindowStore(context: CliContext, database: string): Promise<Store | null> {
  if (!storeExists(database)) return null;
  try {
    // A PostgreSQL schema that no sync created yet is not created by a check: the read-only
    // open refuses it (and creates nothing); an existing one is opened for writing.
    if (isPostgresUrl(database)) await (await openStore(database, context.env, { readonly: true })).close();
    return await openStore(database, context.env);
  } catch (error) {
    context.logger.debug('the rate windows of the database are not available to this check', {
      error: error instanceof Error ? error.message : String(error),
    });
    return null;
  }
}
