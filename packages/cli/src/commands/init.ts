import { chmod, writeFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { ConfigError } from '@posturesync/core';
import { type Command, Option } from 'commander';
import { configTemplate, type TemplateType, templateTypes } from '../config/config-template.ts';
import { defaultConfigNames } from '../config/find-config-file.ts';
import { exitCodes } from '../exit-codes.ts';
import type { CommandRunner } from './command-runner.ts';

export function registerInitCommand(program: Command, run: CommandRunner): void {
  program
    .command('init')
    .description('write a commented config file (mode 600) to --config or ./posturesync.config.yaml')
    .addOption(
      new Option('--type <type>', 'connector type of the example block')
        .choices(templateTypes)
        .default('qualys-pcrs'),
    )
    .option('--force', 'overwrite an existing file', false)
    .action(async (options: { type: TemplateType; force: boolean }, command: Command) =>
      run(command, async (context) => {
        const path = resolve(context.cwd, context.globals.config ?? defaultConfigNames[0]!);
        try {
          await writeFile(path, configTemplate(options.type), {
            mode: 0o600,
            flag: options.force ? 'w' : 'wx',
          });
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'EEXIST')
            throw new ConfigError(`${path} already exists; pass --force to overwrite it`, {
              details: { file: path },
            });
          throw new ConfigError(`cannot write ${path}: ${(error as Error).message}`, {
            details: { file: path },
            cause: error,
          });
        }
        // writeFile's mode applies only to new files; an overwritten file keeps its old mode.
        await chmod(path, 0o600);
        if (context.json) {
          context.out(JSON.stringify({ file: path, type: options.type, mode: '600' }));
          return exitCodes.success;
        }
        const shown = relative(context.cwd, path) || path;
        const configFlag = context.globals.config === undefined ? '' : ` --config ${shown}`;
        context.out(
          [
            `Wrote ${shown} (mode 600) with an example ${options.type} connector.`,
            'Next:',
            `  1. edit ${shown}: set platform (or the URL) and username`,
            '  2. export QUALYS_PASSWORD="..."   (secrets come from the environment, never the file)',
            `  3. posturesync check${configFlag}`,
            `  4. posturesync sync${configFlag}`,
          ].join('\n'),
        );
        return exitCodes.success;
      }),
    );
}
