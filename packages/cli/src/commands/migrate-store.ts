import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { StoreError } from '@posturesync/core';
import { type CopyProgress, copyFromSqlite, isPostgresUrl } from '@posturesync/store-postgres';
import { SqliteStore } from '@posturesync/store-sqlite';
import type { Command } from 'commander';
import { exitCodes } from '../exit-codes.ts';
import { formatCount } from '../output/format.ts';
import type { CommandRunner } from './command-runner.ts';

/**
 * `posturesync migrate-store --from <sqlite file> --to <postgres URL>`: copies an existing SQLite
 * database into PostgreSQL, history included. Resumable: run it again after an interruption and
 * it continues with the table and chunk where it stopped.
 */
export function registerMigrateStoreCommand(program: Command, run: CommandRunner): void {
  program
    .command('migrate-store')
    .description('copy a SQLite database into PostgreSQL (history included; run again to resume)')
    .requiredOption('--from <path>', 'the SQLite database file to copy')
    .requiredOption(
      '--to <url>',
      'postgresql://user@host:5432/database[?sslmode=require&schema=...] (password from PGPASSWORD)',
    )
    .action(async (options: { from: string; to: string }, command: Command) =>
      run(command, async (context) => {
        if (!isPostgresUrl(options.to)) {
          throw new StoreError(
            `--to must be a PostgreSQL URL (postgresql://user@host:5432/database), not ${JSON.stringify(options.to)}`,
          );
        }
        const from = resolve(context.cwd, options.from);
        // Read-only: the copy never changes the SQLite file, and a sync may keep using it meanwhile.
        if (!existsSync(from)) {
          throw new StoreError(`no posturesync database at ${from}; check --from`, {
            details: { path: from },
          });
        }
        const source = SqliteStore.open(from, { readonly: true });
        let lastTable = '';
        try {
          const result = await copyFromSqlite({
            source: source.database,
            sourceLocation: from,
            target: { url: options.to },
            env: context.env,
            onProgress: (progress: CopyProgress) => {
              if (progress.done && progress.table !== lastTable) {
                lastTable = progress.table;
                if (!context.json)
                  context.note(
                    `${progress.table}: ${formatCount(progress.copied)} of ${formatCount(progress.total)} rows`,
                  );
              }
            },
          });
          if (context.json) {
            context.out(
              JSON.stringify({ from, to: result.location, resumed: result.resumed, tables: result.tables }),
            );
          } else {
            const rows = result.tables.reduce((sum, table) => sum + table.copied, 0);
            context.out(
              `${result.resumed ? 'Resumed and copied' : 'Copied'} ${formatCount(rows)} rows in ${result.tables.length} tables from ${from} to ${result.location}`,
            );
          }
          return exitCodes.success;
        } finally {
          source.close();
        }
      }),
    );
}
