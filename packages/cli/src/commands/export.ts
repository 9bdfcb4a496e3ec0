import { createWriteStream, openSync } from 'node:fs';
import { resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { ConfigError } from '@posturesync/core';
import type { Store } from '@posturesync/engine';
import { exportableTables, exportableViews, isExportableRelation } from '@posturesync/engine';
import { type Command, Option } from 'commander';
import type { CliStream } from '../context.ts';
import { exitCodes } from '../exit-codes.ts';
import { ChunkedWriter } from '../output/chunked-writer.ts';
import { csvRecord } from '../output/csv-record.ts';
import { jsonLine } from '../output/json-line.ts';
import { terminalText } from '../output/terminal-text.ts';
import type { CommandRunner } from './command-runner.ts';
import { databaseForReading, openStoreForReading } from './open-store.ts';

export type ExportFormat = 'csv' | 'jsonl';

function knownNames(): string {
  return `views: ${exportableViews.join(', ')}; tables: ${exportableTables.join(', ')}`;
}

function isTerminal(stream: CliStream): boolean {
  return (stream as { isTTY?: unknown }).isTTY === true;
}

/**
 * Streams every row of one known view or table: rows come from the store one at a time
 * (`Store.readRelation`) and go out in chunks that wait for the reader, so memory stays flat on
 * millions of rows. The name is checked against a fixed list first.
 */
export async function exportRelation(options: {
  store: Store;
  name: string;
  format: ExportFormat;
  stream: CliStream;
  /** Escape control and bidi characters in CSV cells (a human is reading on a terminal). */
  terminalSafe: boolean;
}): Promise<number> {
  if (!isExportableRelation(options.name)) {
    throw new ConfigError(
      `cannot export "${terminalText(options.name)}": not a known view or table (${knownNames()})`,
    );
  }
  const relation = await options.store.readRelation(options.name);
  const columns = relation.columns;
  const writer = new ChunkedWriter(options.stream);
  const cell = options.terminalSafe
    ? (value: unknown) => (typeof value === 'string' ? terminalText(value) : value)
    : (value: unknown) => value;
  let rows = 0;
  if (options.format === 'csv') {
    await writer.write(csvRecord(columns));
    for await (const row of relation.rows) {
      await writer.write(csvRecord(row.map(cell)));
      rows += 1;
    }
  } else {
    for await (const row of relation.rows) {
      const record: Record<string, unknown> = {};
      for (let index = 0; index < columns.length; index += 1) record[columns[index]!] = row[index];
      await writer.write(jsonLine(record));
      rows += 1;
    }
  }
  await writer.flush();
  return rows;
}

export function registerExportCommand(program: Command, run: CommandRunner): void {
  program
    .command('export')
    .description('stream a view or table as CSV (RFC 4180) or JSON Lines, to stdout or a file')
    .addOption(new Option('--format <format>', 'output format').choices(['csv', 'jsonl']).default('csv'))
    .option(
      '--view <name>',
      `the view or table to export (${exportableViews.slice(0, 6).join(', ')}, ...)`,
      'v_findings',
    )
    .option('--out <file>', 'write to this file instead of stdout (created or replaced)')
    .addHelpText('after', `\nExportable ${knownNames()}.`)
    .action(async (options: { format: ExportFormat; view: string; out?: string }, command: Command) =>
      run(command, async (context) => {
        if (!isExportableRelation(options.view)) {
          throw new ConfigError(
            `--view "${terminalText(options.view)}" is not a known view or table; use one of ${knownNames()}`,
          );
        }
        const database = await databaseForReading(context);
        const store = await openStoreForReading(database, context.env);
        try {
          if (options.out === undefined) {
            await exportRelation({
              store,
              name: options.view,
              format: options.format,
              stream: context.stdout,
              terminalSafe: options.format === 'csv' && isTerminal(context.stdout),
            });
            return exitCodes.success;
          }
          const path = resolve(context.cwd, options.out);
          let descriptor: number;
          try {
            // Opened here, synchronously, so a bad path is a clear error before any row is read.
            descriptor = openSync(path, 'w');
          } catch (error) {
            throw new ConfigError(
              `cannot write the export to ${terminalText(path)}: ${(error as Error).message}; check --out`,
              { cause: error, details: { path } },
            );
          }
          const file = createWriteStream(path, { fd: descriptor });
          let rows: number;
          try {
            rows = await exportRelation({
              store,
              name: options.view,
              format: options.format,
              stream: file,
              terminalSafe: false,
            });
          } finally {
            file.end();
            await finished(file);
          }
          if (context.json) {
            context.out(
              JSON.stringify({ database, view: options.view, format: options.format, out: path, rows }),
            );
          } else {
            context.note(`exported ${rows} row(s) of ${options.view} to ${terminalText(path)}`);
          }
          return exitCodes.success;
        } finally {
          await store.close();
        }
      }),
    );
}
