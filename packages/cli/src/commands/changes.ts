import type { StatusChange } from '@posturesync/engine';
import type { Command } from 'commander';
import { exitCodes } from '../exit-codes.ts';
import type { Colors } from '../output/color.ts';
import { renderTable } from '../output/table.ts';
import { terminalText } from '../output/terminal-text.ts';
import type { CommandRunner } from './command-runner.ts';
import { parsePositiveInteger } from './history.ts';
import { databaseForReading, openStoreForReading } from './open-store.ts';
import { parseSince, type Since } from './parse-since.ts';

/** The `--json` shape of one change (issue 14): keep these keys stable, scripts read them. */
export function changeJson(change: StatusChange) {
  return {
    instance: change.instance,
    hostUid: change.hostUid,
    hostName: change.hostName,
    policyUid: change.policyUid,
    controlId: change.controlId,
    from: change.from,
    to: change.to,
    runId: change.runId,
    seenAt: change.seenAt,
    changedAt: change.changedAt,
  };
}

function colorStatus(status: string | null, colors: Colors): string {
  if (status === null) return colors.dim('new');
  if (status === 'passed') return colors.green(status);
  if (status === 'failed' || status === 'error') return colors.red(status);
  return colors.yellow(status);
}

const shortTime = (iso: string | null) => (iso === null ? '-' : `${iso.slice(0, 19).replace('T', ' ')}Z`);

export function registerChangesCommand(program: Command, run: CommandRunner): void {
  program
    .command('changes')
    .description('list status changes of findings (the change log), newest first')
    .option(
      '--since <run id | ISO date>',
      'only changes written by this run and later, or seen since this date',
      parseSince,
    )
    .option('--connector <name>', 'only changes of this connector instance')
    .option('--limit <n>', 'how many changes to list', parsePositiveInteger, 100)
    .action(async (options: { since?: Since; connector?: string; limit: number }, command: Command) =>
      run(command, async (context) => {
        const database = await databaseForReading(context);
        const store = await openStoreForReading(database, context.env);
        try {
          const since = options.since;
          const changes = await store.statusChanges({
            limit: options.limit,
            ...(options.connector === undefined ? {} : { instance: options.connector }),
            ...(since === undefined
              ? {}
              : 'runId' in since
                ? { sinceRunId: since.runId }
                : { since: since.at }),
          });
          if (context.json) {
            context.out(JSON.stringify({ database, changes: changes.map(changeJson) }));
            return exitCodes.success;
          }
          const { colors } = context;
          context.out(
            renderTable(
              changes,
              [
                { header: 'SEEN', value: (change) => shortTime(change.seenAt) },
                { header: 'INSTANCE', value: (change) => terminalText(change.instance) },
                { header: 'HOST', value: (change) => terminalText(change.hostName ?? change.hostUid) },
                { header: 'POLICY', value: (change) => terminalText(change.policyUid) },
                {
                  header: 'CONTROL',
                  value: (change) =>
                    terminalText(
                      change.controlInstance && change.controlInstance !== 'os'
                        ? `${change.controlId} (${change.controlInstance})`
                        : change.controlId,
                    ),
                },
                { header: 'FROM', value: (change) => colorStatus(change.from, colors) },
                { header: 'TO', value: (change) => colorStatus(change.to, colors) },
                {
                  header: 'RUN',
                  value: (change) => (change.runId === null ? '-' : String(change.runId)),
                  align: 'right',
                },
                { header: 'SOURCE CHANGED', value: (change) => shortTime(change.changedAt) },
                {
                  header: 'NOTE',
                  value: (change) => (change.origin === 'seeded-at-migration' ? 'seeded at migration' : ''),
                },
              ],
              options.connector === undefined
                ? 'no status changes recorded yet'
                : `no status changes recorded for ${terminalText(options.connector)}`,
            ),
          );
          return exitCodes.success;
        } finally {
          await store.close();
        }
      }),
    );
}
