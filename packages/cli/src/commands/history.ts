import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { exitCodes } from '../exit-codes.ts';
import { formatCount, formatDuration } from '../output/format.ts';
import { colorOutcome, runDuration } from '../output/status-report.ts';
import { renderTable } from '../output/table.ts';
import { terminalText } from '../output/terminal-text.ts';
import type { CommandRunner } from './command-runner.ts';
import { databaseForReading, openStoreForReading } from './open-store.ts';

export function parsePositiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError('expected a whole number >= 1');
  return number;
}

export function registerHistoryCommand(program: Command, run: CommandRunner): void {
  program
    .command('history')
    .description('list sync runs, newest first')
    .option('--connector <name>', 'only runs of this connector instance')
    .option('--limit <n>', 'how many runs to list', parsePositiveInteger, 20)
    .action(async (options: { connector?: string; limit: number }, command: Command) =>
      run(command, async (context) => {
        const database = await databaseForReading(context);
        const store = await openStoreForReading(database, context.env);
        try {
          const runs = await store.history({
            limit: options.limit,
            ...(options.connector === undefined ? {} : { instance: options.connector }),
          });
          if (context.json) {
            context.out(JSON.stringify({ database, runs }));
            return exitCodes.success;
          }
          const { colors } = context;
          context.out(
            renderTable(
              runs,
              [
                { header: 'ID', value: (run) => String(run.id), align: 'right' },
                { header: 'INSTANCE', value: (run) => terminalText(run.instance) },
                { header: 'STARTED', value: (run) => `${run.startedAt.slice(0, 19).replace('T', ' ')}Z` },
                { header: 'DURATION', value: runDuration, align: 'right' },
                { header: 'OUTCOME', value: (run) => colorOutcome(run.outcome, colors) },
                { header: 'HOSTS', value: (run) => formatCount(run.counts.hosts), align: 'right' },
                { header: 'POLICIES', value: (run) => formatCount(run.counts.policies), align: 'right' },
                {
                  header: 'DEFINITIONS',
                  value: (run) => formatCount(run.counts.definitions),
                  align: 'right',
                },
                { header: 'VIOLATIONS', value: (run) => formatCount(run.counts.violations), align: 'right' },
                { header: 'QUARANTINED', value: (run) => formatCount(run.quarantined), align: 'right' },
                { header: 'CLOSED', value: (run) => formatCount(run.closed), align: 'right' },
                {
                  // Throttled waits are slow-downs the server asked for, not failures: shown apart.
                  header: 'THROTTLED',
                  value: (run) =>
                    run.metrics.throttledWaits === 0
                      ? '-'
                      : `${formatCount(run.metrics.throttledWaits)} (${formatDuration(run.metrics.throttledWaitMs)})`,
                  align: 'right',
                },
                {
                  header: 'NOTE',
                  value: (run) =>
                    [
                      run.resumedFromRunId === null ? '' : `resumed #${run.resumedFromRunId}`,
                      run.full ? 'full' : '',
                      terminalText(run.errorCode ?? ''),
                    ]
                      .filter(Boolean)
                      .join(' '),
                },
              ],
              options.connector === undefined
                ? 'no sync runs recorded yet'
                : `no sync runs recorded for ${terminalText(options.connector)}`,
            ),
          );
          return exitCodes.success;
        } finally {
          await store.close();
        }
      }),
    );
}
