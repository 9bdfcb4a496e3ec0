import type { Command } from 'commander';
import { checkConnector } from '../engine.ts';
import { type ExitCode, exitCodeForError, exitCodes, worstExitCode } from '../exit-codes.ts';
import { describeError, type ErrorReport } from '../output/report-error.ts';
import { terminalText } from '../output/terminal-text.ts';
import type { CommandRunner } from './command-runner.ts';
import { loadConnectors } from './load-connectors.ts';
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
        const { connectors, unavailable } = await loadConnectors(context, options.connector);
        warnAboutTls(context, connectors);
        const outcomes: CheckOutcome[] = unavailable.map((instance) => ({
          instance: instance.name,
          type: instance.type,
          ok: false,
          details: [],
          error: describeError(instance.error, context.redactor),
          exitCode: exitCodeForError(instance.error),
        }));
        for (const connector of connectors) {
          if (context.signal.aborted) break;
          try {
            const result = await checkConnector({
              definition: connector.definition,
              config: connector.config,
              logger: context.logger.child({ instance: connector.name }),
              redactor: context.redactor,
              signal: context.signal,
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
