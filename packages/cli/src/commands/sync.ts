import type { Command } from 'commander';
import { exitCodeForError, exitCodes, worstExitCode } from '../exit-codes.ts';
import { describeError } from '../output/report-error.ts';
import { type InstanceOutcome, renderSyncOutcome } from '../output/sync-summary.ts';
import type { CommandRunner } from './command-runner.ts';
import { loadConnectors } from './load-connectors.ts';
import { syncInstances, warnAboutTls } from './sync-instances.ts';

export function registerSyncCommand(program: Command, run: CommandRunner): void {
  program
    .command('sync')
    .description(
      'sync each connector instance (one after another) into the database; resumes interrupted runs',
    )
    .option('--connector <name>', 'sync only this connector instance')
    .option('--full', 'ignore incremental watermarks and any interrupted run; fetch everything', false)
    .option('--force', 're-import data already imported (e.g. the same report)', false)
    .addHelpText(
      'after',
      '\nCtrl-C (or SIGTERM) stops after the current batch; the next sync resumes from the last checkpoint.\nPress Ctrl-C twice to quit at once (exit code 130).',
    )
    .action(async (options: { connector?: string; full: boolean; force: boolean }, command: Command) =>
      run(command, async (context) => {
        const { connectors, unavailable, database } = await loadConnectors(context, options.connector);
        warnAboutTls(context, connectors);
        // An instance whose connector package is broken is reported, and the others still sync.
        const outcomes: InstanceOutcome[] = unavailable.map((instance) => ({
          instance: instance.name,
          type: instance.type,
          exitCode: exitCodeForError(instance.error),
          summary: null,
          error: describeError(instance.error, context.redactor),
        }));
        if (connectors.length > 0)
          outcomes.push(
            ...(await syncInstances(context, connectors, {
              database,
              full: options.full,
              force: options.force,
            })),
          );
        const exitCode = context.signal.aborted
          ? exitCodes.cancelled
          : worstExitCode(outcomes.map((outcome) => outcome.exitCode));
        if (context.json) context.out(JSON.stringify({ database, runs: outcomes, exitCode }));
        else context.out(outcomes.map((outcome) => renderSyncOutcome(outcome, context.colors)).join('\n'));
        return exitCode;
      }),
    );
}
