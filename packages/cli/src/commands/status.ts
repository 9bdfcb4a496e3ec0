import type { Command } from 'commander';
import { exitCodes } from '../exit-codes.ts';
import { renderStatus } from '../output/status-report.ts';
import type { CommandRunner } from './command-runner.ts';
import { databaseForReading, openStoreForReading } from './open-store.ts';

export const topFailingControls = 10;

export function registerStatusCommand(program: Command, run: CommandRunner): void {
  program
    .command('status')
    .description(
      'summarise the database: last run per connector instance, hosts, pass rates, failing controls',
    )
    .action(async (_options: unknown, command: Command) =>
      run(command, async (context) => {
        const database = await databaseForReading(context);
        const store = await openStoreForReading(database, context.env);
        try {
          const summary = await store.summary();
          const topFailing = await store.failingControls({ limit: topFailingControls });
          if (context.json)
            context.out(JSON.stringify({ database, ...summary, topFailingControls: topFailing }));
          else
            context.out(
              renderStatus(summary, topFailing, { database, colors: context.colors, now: context.now() }),
            );
          return exitCodes.success;
        } finally {
          await store.close();
        }
      }),
    );
}
