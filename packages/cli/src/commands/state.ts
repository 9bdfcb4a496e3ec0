import { ConfigError } from '@posturesync/core';
import type { StoredState } from '@posturesync/engine';
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { exitCodes } from '../exit-codes.ts';
import { terminalText } from '../output/terminal-text.ts';
import type { CommandRunner } from './command-runner.ts';
import { databaseForReading, openStoreForReading, openStoreForWriting } from './open-store.ts';

function describeState(stored: StoredState): string {
  const { state } = stored;
  const lines = [
    `${terminalText(stored.instance)} (${terminalText(stored.connectorId)}), written by run ${stored.runId ?? '-'} at ${stored.updatedAt}`,
    `  generation ${state.generation}${state.inProgress ? ', interrupted: the next sync resumes it' : ', complete'}`,
    `  scopes completed in this generation: ${state.pendingScopes.length}; deferred from partial runs: ${state.deferredScopes?.length ?? 0}`,
    `  connector checkpoint: ${terminalText(JSON.stringify(state.connector, null, 2) ?? 'null').replaceAll('\n', '\n  ')}`,
  ];
  return lines.join('\n');
}

export function registerStateCommand(program: Command, run: CommandRunner): void {
  const state = program
    .command('state')
    .description("print or clear a connector instance's checkpoint (what the next sync resumes from)");

  state
    .command('show')
    .description('print the stored checkpoint of each instance (or one)')
    .option('--connector <name>', 'only this connector instance')
    .action(async (options: { connector?: string }, command: Command) =>
      run(command, async (context) => {
        const database = await databaseForReading(context);
        const store = await openStoreForReading(database, context.env);
        try {
          const states = (await store.listStates()).filter(
            (stored) => options.connector === undefined || stored.instance === options.connector,
          );
          if (context.json) {
            context.out(JSON.stringify({ database, states }));
            return exitCodes.success;
          }
          if (states.length === 0) {
            context.out(
              options.connector === undefined
                ? `no stored state in ${database}: every instance's next sync starts from nothing`
                : `no stored state for "${terminalText(options.connector)}" in ${database}: its next sync starts from nothing`,
            );
            return exitCodes.success;
          }
          context.out(states.map(describeState).join('\n\n'));
          return exitCodes.success;
        } finally {
          await store.close();
        }
      }),
    );

  state
    .command('reset')
    .description("forget an instance's checkpoint so its next sync fetches everything (findings are kept)")
    .requiredOption('--connector <name>', 'the connector instance to reset')
    .option('--yes', 'do not ask for confirmation', false)
    .action(async (options: { connector: string; yes: boolean }, command: Command) =>
      run(command, async (context) => {
        const database = await databaseForReading(context);
        await confirmReset(context, options, database);
        const store = await openStoreForWriting(database, context.env);
        try {
          // The sync lock: a running sync would write its state back after we cleared it.
          const lock = await store.acquireLock({ instance: options.connector, now: context.now() });
          let removed: boolean;
          try {
            removed = await store.deleteState(options.connector);
          } finally {
            await store.releaseLock(lock);
          }
          const message = removed
            ? `cleared the checkpoint of "${terminalText(options.connector)}"; its next sync fetches everything (findings and history are kept)`
            : `"${terminalText(options.connector)}" had no stored checkpoint; nothing to clear`;
          if (context.json) context.out(JSON.stringify({ database, instance: options.connector, removed }));
          else context.out(message);
          return exitCodes.success;
        } finally {
          await store.close();
        }
      }),
    );
}

async function confirmReset(
  context: CliContext,
  options: { connector: string; yes: boolean },
  database: string,
) {
  if (options.yes) return;
  const question = `Clear the checkpoint of "${terminalText(options.connector)}" in ${database}? Its next sync fetches everything again. [y/N] `;
  if (context.confirm === null)
    throw new ConfigError(
      'state reset asks for confirmation, and there is no terminal to ask on; add --yes to confirm',
      { details: { instance: options.connector } },
    );
  if (!(await context.confirm(question)))
    throw new ConfigError('state reset not confirmed; nothing was changed', {
      details: { instance: options.connector },
    });
}
